-- speed_groups: per handler × item, the matters selective_speed could rank (decided, or pending past the
-- limit), the most of them one firm has, and how many of them were declared urgent. Whether an urgent
-- matter's reason is documented is left to the rule (the pattern is its parameter), so these counts bound
-- the rule's own from above: they pick the handler × items worth testing, the tests decide. Kept between
-- scans; after new or changed matters only the handler × items they left or joined are counted again.
-- @regroup matter_times(handler, item_code)
WITH per_firm AS (
    SELECT handler, item_code, enterprise_uscc,
           sum(CASE WHEN NOT pending OR used > time_limit THEN 1 ELSE 0 END) AS tested,
           sum(CASE WHEN urgent AND (NOT pending OR used > time_limit) THEN 1 ELSE 0 END) AS urgent
    FROM matter_times
    WHERE handler IS NOT NULL
    GROUP BY handler, item_code, enterprise_uscc
)
SELECT handler, item_code, sum(tested) AS tested, max(tested) AS most_of_one_firm, sum(urgent) AS urgent
FROM per_firm
GROUP BY handler, item_code
