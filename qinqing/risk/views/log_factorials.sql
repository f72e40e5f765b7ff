-- log_factorials: ln(j!) for j = 0 … the most valid bids one firm made, for the exact binomial tails of
-- the tender competition rules (Spark has no lgamma; a running sum of ln j is the same on both engines).
WITH bound AS (
    SELECT coalesce(max(n), 0) AS m
    FROM (SELECT bidder_uscc, count(*) AS n FROM awarded_bids GROUP BY bidder_uscc) AS per_firm
),
numbers AS (
    SELECT unnest(range(0, m + 1)) AS j FROM bound
)
SELECT j, sum(ln(CAST(greatest(j, 1) AS DOUBLE))) OVER (ORDER BY j ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS lf
FROM numbers
