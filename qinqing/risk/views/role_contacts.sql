-- role_contacts: the registry's people in firms (roles.csv) by the identities bids can name: a full ID
-- number (masked ones never prove identity) and a phone, normalised as in `bid_contacts`. A name alone
-- is never kept as an identity.
WITH r AS (
    SELECT enterprise_uscc, person_name, role, start_date, end_date, phone AS raw_phone,
           CASE WHEN person_id NOT LIKE '%*%' THEN upper(person_id) END AS person_id,
           regexp_replace(phone, '[^0-9]', '', 'g') AS digits
    FROM roles
)
SELECT enterprise_uscc, person_name, person_id, role, raw_phone,
       CASE WHEN length(digits) = 15 AND digits LIKE '0086%' THEN substr(digits, 5)
            WHEN length(digits) = 13 AND digits LIKE '86%' THEN substr(digits, 3)
            WHEN digits = '' THEN NULL
            ELSE digits END AS phone,
       coalesce(start_date, DATE '1900-01-01') AS start_date, coalesce(end_date, DATE '9999-12-31') AS end_date
FROM r
WHERE person_id IS NOT NULL OR digits <> ''
