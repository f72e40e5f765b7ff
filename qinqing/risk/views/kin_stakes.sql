-- kin_stakes: registry mentions proven to be an official or a declared relative (the contract's identity
-- rules). A full ID number proves identity. A masked number (5303**********1232) agrees with a full one
-- only when the names agree and every visible character is the same, and not when the same firm names a
-- person of that name whose full number fits the mask but is another one (the registry's own record
-- tells them apart); a masked declared number also needs the declared birth date to agree. A name alone,
-- or two masked numbers, never prove anything. Masks keep the last four characters visible (GB/T 35273
-- practice), which is what the equi-join below uses. Each stake carries the firm's registered name
-- (`enterprise_name`), looked up once here, and itself as evidence (`path`): this relation is kept while
-- its inputs are unchanged, so the ownership walk and the rules that name the firm need not search the
-- whole register again.
-- Kept even when one query reads it (a scan of one rule): deriving it reads ten million registry mentions.
-- @keep
WITH k AS (
    SELECT *, kin_id LIKE '%*%' AS masked
    FROM kin
    WHERE kin_id IS NOT NULL
),
tails AS (SELECT DISTINCT kin_name, right(kin_id, 4) AS tail FROM k),
-- Every match below needs the kin's full number, or the kin's name and last four characters: only such
-- mentions are read on (240 of the demo province's ten million), never all of them at once.
m AS (
    SELECT p.*, p.person_id LIKE '%*%' AS masked
    FROM person_mentions AS p
    WHERE p.person_id IN (SELECT kin_id FROM k)
    UNION ALL
    SELECT p.*, p.person_id LIKE '%*%' AS masked
    FROM person_mentions AS p
    JOIN tails AS t ON t.kin_name = p.person_name AND t.tail = right(p.person_id, 4)
    WHERE p.person_id NOT IN (SELECT kin_id FROM k)
),
contradicted AS (  -- a masked mention the same firm also names with a full number that fits the mask
    SELECT DISTINCT mm.enterprise_uscc, mm.person_name, mm.person_id, full_m.person_id AS full_id
    FROM m AS mm
    JOIN m AS full_m
      ON full_m.enterprise_uscc = mm.enterprise_uscc AND full_m.person_name = mm.person_name
     AND right(full_m.person_id, 4) = right(mm.person_id, 4)
    WHERE mm.masked AND NOT full_m.masked AND full_m.person_id LIKE replace(mm.person_id, '*', '_')
),
by_full_number AS (
    SELECT k.official_id, k.official_name, k.kin_name, k.relation, k.kin_id, m.enterprise_uscc,
           m.person_name, m.person_id, m.link, m.share, m.role, m.start_date, m.end_date,
           'full_id' AS matched_by
    FROM m
    JOIN k ON m.person_id = k.kin_id
    WHERE NOT m.masked
),
masked_mention AS (
    SELECT k.official_id, k.official_name, k.kin_name, k.relation, k.kin_id, m.enterprise_uscc,
           m.person_name, m.person_id, m.link, m.share, m.role, m.start_date, m.end_date,
           'masked_id_and_name' AS matched_by
    FROM m
    JOIN k ON m.person_name = k.kin_name AND right(m.person_id, 4) = right(k.kin_id, 4)
    LEFT JOIN contradicted AS c
      ON c.enterprise_uscc = m.enterprise_uscc AND c.person_name = m.person_name
     AND c.person_id = m.person_id AND c.full_id <> k.kin_id
    WHERE m.masked AND NOT k.masked AND k.kin_id LIKE replace(m.person_id, '*', '_') AND c.full_id IS NULL
),
masked_declaration AS (
    SELECT k.official_id, k.official_name, k.kin_name, k.relation, k.kin_id, m.enterprise_uscc,
           m.person_name, m.person_id, m.link, m.share, m.role, m.start_date, m.end_date,
           'name_masked_declaration_and_birth_date' AS matched_by
    FROM m
    JOIN k ON m.person_name = k.kin_name AND right(m.person_id, 4) = right(k.kin_id, 4)
    WHERE NOT m.masked AND k.masked AND k.kin_birth IS NOT NULL
      AND m.person_id LIKE replace(k.kin_id, '*', '_')
      AND substr(m.person_id, 7, 8) = strftime(k.kin_birth, '%Y%m%d')
),
matched AS (
    SELECT * FROM by_full_number
    UNION ALL
    SELECT * FROM masked_mention
    UNION ALL
    SELECT * FROM masked_declaration
)
SELECT s.*, e.name AS enterprise_name,
       -- the stake as evidence: (official → declared relative →) holds x % of / has a role at the firm
       CASE WHEN s.relation = 'self' THEN [{
                'subject': 'official:' || s.official_id, 'subject_label': s.kin_name,
                'relation': CASE WHEN s.link = 'holding' THEN 'holds' ELSE 'has_role' END,
                'object': 'enterprise:' || s.enterprise_uscc, 'object_label': e.name,
                'detail': CASE WHEN s.link = 'holding' THEN printf('%.2f%%', s.share * 100) ELSE s.role END
                          || '; ' || s.matched_by || ' ' || s.person_id}]
            ELSE [{
                'subject': 'official:' || s.official_id, 'subject_label': s.official_name,
                'relation': 'declared_relative', 'object': 'person:' || s.kin_id,
                'object_label': s.kin_name, 'detail': s.relation}, {
                'subject': 'person:' || s.kin_id, 'subject_label': s.kin_name,
                'relation': CASE WHEN s.link = 'holding' THEN 'holds' ELSE 'has_role' END,
                'object': 'enterprise:' || s.enterprise_uscc, 'object_label': e.name,
                'detail': CASE WHEN s.link = 'holding' THEN printf('%.2f%%', s.share * 100) ELSE s.role END
                          || '; ' || s.matched_by || ' ' || s.person_id}]
       END AS path
FROM matched AS s
JOIN enterprises AS e ON e.uscc = s.enterprise_uscc
