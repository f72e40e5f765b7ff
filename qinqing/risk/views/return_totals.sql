-- return_totals: per handler × item, the matters of a catalogued item submitted by the scan date: how many,
-- how many times in all they were sent back for more material (returns, none counted as 0) and the most
-- times one was. With return_counts (the matters sent back at least twice, by status and returns), what
-- repeated_returns' rates are made of: one row a handler × item, so the rule reads the totals as they are
-- instead of adding up a row per status and returns. Kept between scans: new applications alone are
-- folded into the totals they join; changed ones make the handler × items they left or joined counted
-- again.
-- @regroup applications(handler_official_id, item_code) sum(n, all_returns) max(most_returns)
SELECT a.handler_official_id, a.item_code, count(*) AS n, sum(coalesce(a.returns, 0)) AS all_returns,
       max(coalesce(a.returns, 0)) AS most_returns
FROM applications AS a
WHERE CAST(a.submitted_at AS DATE) <= $as_of AND a.item_code IN (SELECT item_code FROM service_items)
GROUP BY a.handler_official_id, a.item_code
