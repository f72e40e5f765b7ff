-- return_counts: how many matters of a catalogued item submitted by the scan date each handler × item has
-- that were sent back for more material at least twice (the least repeated_returns' min_returns can be),
-- by status and by how many times. The rule's sent-back rates for any threshold add these up over the
-- totals of return_totals. A province has a million matters and some tens of thousands of these. Kept
-- between scans: after new or changed applications only the handler × items they left or joined are
-- counted again; new applications alone are added to the counts they join.
-- @regroup applications(handler_official_id, item_code) sum(n)
SELECT a.handler_official_id, a.item_code, a.status, a.returns, count(*) AS n
FROM applications AS a
WHERE CAST(a.submitted_at AS DATE) <= $as_of AND a.item_code IN (SELECT item_code FROM service_items)
  AND a.returns >= 2
GROUP BY a.handler_official_id, a.item_code, a.status, a.returns
