-- return_counts: how many matters submitted by the scan date each handler × item has, by status and by how
-- many times they were sent back for more material (returns, none counted as 0), with the item's unit and
-- name. Sent-back rates for any threshold (repeated_returns' min_returns) add these counts up. Kept
-- between scans: after new or changed applications only the handler × items they left or joined are
-- counted again.
-- @regroup applications(handler_official_id, item_code)
SELECT a.handler_official_id, a.item_code, s.department_code AS unit, s.name AS item_name, a.status,
       coalesce(a.returns, 0) AS returns, count(*) AS n
FROM applications AS a
JOIN service_items AS s ON s.item_code = a.item_code
WHERE CAST(a.submitted_at AS DATE) <= $as_of
GROUP BY a.handler_official_id, a.item_code, s.department_code, s.name, a.status, coalesce(a.returns, 0)
