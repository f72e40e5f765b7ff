-- kin_firms: firms an official or a declared relative holds, directly or through up to four layers of
-- firms, with the effective share (the product of the shares along a chain, summed over the chains) and
-- the strongest chain as evidence: official → declared relative → 60 % of firm A → 40 % of firm B.
-- Each layer joins only the firms reached by the layer before it with the firm-to-firm edges
-- (`firm_holdings`), so the walk touches the kin's holdings and what they own, never the whole
-- registry; a chain that comes back to a firm it passed stops there (real registries have
-- cross-holdings and cycles).
WITH l1 AS (
    SELECT s.official_id, s.official_name, s.kin_name, s.relation, s.kin_id,
           s.enterprise_uscc AS firm, e.name AS firm_name, s.share, 1 AS layers,
           [s.enterprise_uscc] AS visited,
           CASE WHEN s.relation = 'self' THEN [{
                    'subject': 'official:' || s.official_id, 'subject_label': s.kin_name, 'relation': 'holds',
                    'object': 'enterprise:' || s.enterprise_uscc, 'object_label': e.name,
                    'detail': printf('%.2f%%', s.share * 100) || '; ' || s.matched_by || ' ' || s.person_id}]
                ELSE [{
                    'subject': 'official:' || s.official_id, 'subject_label': s.official_name,
                    'relation': 'declared_relative', 'object': 'person:' || s.kin_id,
                    'object_label': s.kin_name, 'detail': s.relation}, {
                    'subject': 'person:' || s.kin_id, 'subject_label': s.kin_name, 'relation': 'holds',
                    'object': 'enterprise:' || s.enterprise_uscc, 'object_label': e.name,
                    'detail': printf('%.2f%%', s.share * 100) || '; ' || s.matched_by || ' ' || s.person_id}]
           END AS path
    FROM kin_stakes AS s
    JOIN enterprises AS e ON e.uscc = s.enterprise_uscc
    WHERE s.link = 'holding'
),
l2 AS (
    SELECT p.official_id, p.official_name, p.kin_name, p.relation, p.kin_id, c.enterprise_uscc AS firm, c.name AS firm_name,
           p.share * c.share_ratio AS share, 2 AS layers, list_append(p.visited, c.enterprise_uscc) AS visited,
           list_append(p.path, {'subject': 'enterprise:' || p.firm, 'subject_label': p.firm_name,
               'relation': 'holds', 'object': 'enterprise:' || c.enterprise_uscc, 'object_label': c.name,
               'detail': printf('%.2f%%', c.share_ratio * 100)}) AS path
    FROM l1 AS p
    JOIN firm_holdings AS c ON c.holder_id = p.firm
    WHERE NOT list_contains(p.visited, c.enterprise_uscc)
),
l3 AS (
    SELECT p.official_id, p.official_name, p.kin_name, p.relation, p.kin_id, c.enterprise_uscc AS firm, c.name AS firm_name,
           p.share * c.share_ratio AS share, 3 AS layers, list_append(p.visited, c.enterprise_uscc) AS visited,
           list_append(p.path, {'subject': 'enterprise:' || p.firm, 'subject_label': p.firm_name,
               'relation': 'holds', 'object': 'enterprise:' || c.enterprise_uscc, 'object_label': c.name,
               'detail': printf('%.2f%%', c.share_ratio * 100)}) AS path
    FROM l2 AS p
    JOIN firm_holdings AS c ON c.holder_id = p.firm
    WHERE NOT list_contains(p.visited, c.enterprise_uscc)
),
l4 AS (
    SELECT p.official_id, p.official_name, p.kin_name, p.relation, p.kin_id, c.enterprise_uscc AS firm, c.name AS firm_name,
           p.share * c.share_ratio AS share, 4 AS layers, list_append(p.visited, c.enterprise_uscc) AS visited,
           list_append(p.path, {'subject': 'enterprise:' || p.firm, 'subject_label': p.firm_name,
               'relation': 'holds', 'object': 'enterprise:' || c.enterprise_uscc, 'object_label': c.name,
               'detail': printf('%.2f%%', c.share_ratio * 100)}) AS path
    FROM l3 AS p
    JOIN firm_holdings AS c ON c.holder_id = p.firm
    WHERE NOT list_contains(p.visited, c.enterprise_uscc)
),
chains AS (
    SELECT * FROM l1
    UNION ALL SELECT * FROM l2
    UNION ALL SELECT * FROM l3
    UNION ALL SELECT * FROM l4
)
SELECT official_id, official_name, kin_name, relation, kin_id, firm AS enterprise_uscc,
       sum(share) AS effective_share, min(layers) AS layers,
       -- the strongest chain; ties broken by the chain's firms so every engine picks the same one
       max_by(path, printf('%.9f', share) || array_to_string(visited, '>')) AS path
FROM chains
GROUP BY official_id, official_name, kin_name, relation, kin_id, firm
