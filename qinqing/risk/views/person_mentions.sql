-- person_mentions: every person the business registry names at a firm, as shareholder or in a role.
SELECT enterprise_uscc, holder_name AS person_name, holder_id AS person_id, 'holding' AS link,
       share_ratio AS share, CAST(NULL AS VARCHAR) AS role, start_date, end_date
FROM holdings
WHERE holder_type = 'person'
UNION ALL
SELECT enterprise_uscc, person_name, person_id, 'role' AS link, CAST(NULL AS DOUBLE) AS share, role,
       start_date, end_date
FROM roles
