-- role_contacts: the registry's people in firms (roles.csv) by the identities bids can name: a full ID
-- number (masked ones never prove identity) and a phone, normalised as in `bid_contacts`. A name alone
-- is never kept as an identity. Only the people some bid names are kept: the tender rules look people
-- up by a bid's phone or project manager, never otherwise, so a province's millions of registrations
-- shrink to the few thousand they can ever find.
WITH r AS (
    SELECT enterprise_uscc, person_name, role, start_date, end_date, phone AS raw_phone,
           CASE WHEN person_id NOT LIKE '%*%' THEN upper(person_id) END AS person_id,
           regexp_replace(phone, '[^0-9]', '', 'g') AS digits
    FROM roles
),
c AS (
    SELECT enterprise_uscc, person_name, person_id, role, raw_phone,
           CASE WHEN length(digits) = 15 AND digits LIKE '0086%' THEN substr(digits, 5)
                WHEN length(digits) = 13 AND digits LIKE '86%' THEN substr(digits, 3)
                WHEN digits = '' THEN NULL
                ELSE digits END AS phone,
           coalesce(start_date, DATE '1900-01-01') AS start_date, coalesce(end_date, DATE '9999-12-31') AS end_date
    FROM r
    WHERE person_id IS NOT NULL OR digits <> ''
)
SELECT c.*
FROM c
LEFT JOIN (SELECT DISTINCT pm_id AS ident FROM bid_contacts WHERE pm_id IS NOT NULL) AS pm ON pm.ident = c.person_id
LEFT JOIN (SELECT DISTINCT phone AS ident FROM bid_contacts WHERE phone IS NOT NULL) AS ph ON ph.ident = c.phone
WHERE pm.ident IS NOT NULL OR ph.ident IS NOT NULL
