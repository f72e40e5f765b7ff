-- firm_reach: every firm a firm holds, directly or through up to three more layers of firms (so a person's
-- own holding plus this reaches four), one row per chain, with the chain's effective share (the product
-- of its shares; `s1`…`s3` the shares step by step, so that a walk multiplies them in its own order and
-- gets the very same floating-point figure as walking edge by edge), the firms it passes (`visited`, the
-- start first) and its facts (firm A holds 40 % of firm B …). The layers r2 and r3 are written out, not a
-- recursive CTE: the depth is fixed, and Spark SQL has no recursive CTEs (the same file runs on both).
-- A chain that comes back to a firm it passed stops there (registries have cross-holdings and cycles). The ownership closure of the firm-to-firm edges, built once per change of the holdings:
-- a walk from any set of people is then one join from the firms they hold (kin_firms).
-- Kept as its own relation even though one query reads it: it changes only with the holdings and the
-- register, while its reader also changes with every declared relative. Looked up by `start`: the firms
-- a province's kin hold directly are a hundred or so of its 400k chains' starts, read through the index
-- (kin_firms from the copy: 10 ms against 68 ms scanning the compressed chains).
-- @lookup start
WITH edges AS (
    SELECT f.holder_id, h.name AS holder_name, f.enterprise_uscc, f.name, f.share_ratio
    FROM firm_holdings AS f
    JOIN enterprises AS h ON h.uscc = f.holder_id
),
r1 AS (
    SELECT holder_id AS start, enterprise_uscc AS firm, name AS firm_name, share_ratio AS share, 1 AS steps,
           share_ratio AS s1, CAST(NULL AS DOUBLE) AS s2, CAST(NULL AS DOUBLE) AS s3,
           [holder_id, enterprise_uscc] AS visited,
           [{'subject': 'enterprise:' || holder_id, 'subject_label': holder_name, 'relation': 'holds',
             'object': 'enterprise:' || enterprise_uscc, 'object_label': name,
             'detail': printf('%.2f%%', share_ratio * 100)}] AS path
    FROM edges
    WHERE holder_id <> enterprise_uscc
),
r2 AS (
    SELECT p.start, c.enterprise_uscc AS firm, c.name AS firm_name, p.share * c.share_ratio AS share, 2 AS steps,
           p.s1, c.share_ratio AS s2, CAST(NULL AS DOUBLE) AS s3,
           list_append(p.visited, c.enterprise_uscc) AS visited,
           list_append(p.path, {'subject': 'enterprise:' || p.firm, 'subject_label': p.firm_name,
               'relation': 'holds', 'object': 'enterprise:' || c.enterprise_uscc, 'object_label': c.name,
               'detail': printf('%.2f%%', c.share_ratio * 100)}) AS path
    FROM r1 AS p
    JOIN firm_holdings AS c ON c.holder_id = p.firm
    WHERE NOT list_contains(p.visited, c.enterprise_uscc)
),
r3 AS (
    SELECT p.start, c.enterprise_uscc AS firm, c.name AS firm_name, p.share * c.share_ratio AS share, 3 AS steps,
           p.s1, p.s2, c.share_ratio AS s3,
           list_append(p.visited, c.enterprise_uscc) AS visited,
           list_append(p.path, {'subject': 'enterprise:' || p.firm, 'subject_label': p.firm_name,
               'relation': 'holds', 'object': 'enterprise:' || c.enterprise_uscc, 'object_label': c.name,
               'detail': printf('%.2f%%', c.share_ratio * 100)}) AS path
    FROM r2 AS p
    JOIN firm_holdings AS c ON c.holder_id = p.firm
    WHERE NOT list_contains(p.visited, c.enterprise_uscc)
)
SELECT start, firm, share, s1, s2, s3, steps, visited, path FROM r1
UNION ALL SELECT start, firm, share, s1, s2, s3, steps, visited, path FROM r2
UNION ALL SELECT start, firm, share, s1, s2, s3, steps, visited, path FROM r3
