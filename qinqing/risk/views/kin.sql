-- kin: the people whose interests count as an official's own: the official and every declared relative
-- (个人有关事项报告). `relation` is 'self' for the official.
SELECT o.official_id, o.name AS official_name, o.name AS kin_name, 'self' AS relation,
       o.id_number AS kin_id, o.birth_date AS kin_birth
FROM officials AS o
UNION ALL
SELECT r.official_id, o.name AS official_name, r.name AS kin_name, r.relation, r.id_number AS kin_id,
       r.birth_date AS kin_birth
FROM relatives AS r
JOIN officials AS o ON o.official_id = r.official_id
