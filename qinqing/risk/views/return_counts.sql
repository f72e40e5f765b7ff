-- return_counts: how many matters of a catalogued item submitted by the scan date each handler × item has,
-- by status and by how many times they were sent back for more material (returns, none counted as 0).
-- Sent-back rates for any threshold (repeated_returns' min_returns) add these counts up. Narrow (the
-- item's unit and name are the rule's to look up, once per handler × item): the rule adds up every row of
-- it on every scan. Kept between scans: after new or changed applications only the handler × items they
-- left or joined are counted again; new applications alone are added to the counts they join.
-- @regroup applications(handler_official_id, item_code) sum(n)
SELECT a.handler_official_id, a.item_code, a.status, coalesce(a.returns, 0) AS returns, count(*) AS n
FROM applications AS a
WHERE CAST(a.submitted_at AS DATE) <= $as_of AND a.item_code IN (SELECT item_code FROM service_items)
GROUP BY a.handler_official_id, a.item_code, a.status, coalesce(a.returns, 0)
