-- overdue_groups: per handler × item (with the item's unit, name and statutory limit) the matters timed on
-- the scan date (matter_times): how many, how many ran past the limit, how many of those are still
-- pending, the sum of the working days they ran over (an integer: exact however it is added up) and the
-- worst excess. Matters without a handler make the group whose handler is NULL (they count in the
-- city-wide rate, not as anyone's).
-- Kept between scans: after new or changed matters only the handler × items they left or joined are
-- counted again, not a province's million matters; new matters alone are folded in (their counts added,
-- the worst excess extended) without counting the groups they joined again.
-- @regroup matter_times(handler, item_code) sum(n, k, k_pending, late_days) max(worst_excess)
SELECT handler, item_code, unit, item_name, time_limit,
       count(*) AS n,
       sum(CASE WHEN used > time_limit THEN 1 ELSE 0 END) AS k,
       sum(CASE WHEN used > time_limit AND pending THEN 1 ELSE 0 END) AS k_pending,
       sum(CASE WHEN used > time_limit THEN used - time_limit ELSE 0 END) AS late_days,
       max(CASE WHEN used > time_limit THEN used - time_limit END) AS worst_excess
FROM matter_times
GROUP BY handler, item_code, unit, item_name, time_limit
