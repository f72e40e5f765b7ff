-- contact_firms: every firm that had a contact with an official (interactions), with the date of its last
-- contact: what decides whether a matter of the firm can be linked to a contact (contact_matters). Kept
-- while the contacts are unchanged: a patch of contact_matters after an import of new matters looks up
-- those matters' firms here instead of going through every contact of a province again.
-- @keep
SELECT enterprise_uscc, max(date) AS last_contact
FROM interactions
GROUP BY enterprise_uscc
