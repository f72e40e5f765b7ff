-- kin_firms: firms an official or a declared relative holds, directly or through up to four layers of
-- firms, with the effective share (the product of the shares along a chain, summed over the chains) and
-- the strongest chain as evidence: official → declared relative → 60 % of firm A → 40 % of firm B.
-- The kin's own holdings (kin_stakes) are the first layer; the chains onwards from each firm they hold
-- come from the ownership closure (`firm_reach`, kept while the holdings are unchanged), so the walk is
-- one join from the kin's firms, never a search of the registry. A chain never comes back to a firm it
-- passed (registries have cross-holdings and cycles).
-- Kept even when one query reads it (a scan of one rule): it changes only with the registry and the kin.
-- @keep
WITH l1 AS (
    SELECT official_id, official_name, kin_name, relation, kin_id, enterprise_uscc AS firm, share, path
    FROM kin_stakes
    WHERE link = 'holding'
),
chains AS (
    SELECT official_id, official_name, kin_name, relation, kin_id, firm, share, 1 AS layers,
           [firm] AS visited, path
    FROM l1
    UNION ALL
    -- multiplied step by step from the kin's share, as a walk edge by edge does (× 1.0 is exact)
    SELECT p.official_id, p.official_name, p.kin_name, p.relation, p.kin_id, r.firm,
           p.share * r.s1 * coalesce(r.s2, 1.0) * coalesce(r.s3, 1.0) AS share,
           1 + r.steps AS layers, r.visited, list_concat(p.path, r.path) AS path
    FROM l1 AS p
    JOIN firm_reach AS r ON r.start = p.firm
)
SELECT official_id, official_name, kin_name, relation, kin_id, firm AS enterprise_uscc,
       sum(share) AS effective_share, min(layers) AS layers,
       -- the strongest chain; ties broken by the chain's firms so every engine picks the same one
       max_by(path, printf('%.9f', share) || array_to_string(visited, '>')) AS path
FROM chains
GROUP BY official_id, official_name, kin_name, relation, kin_id, firm
