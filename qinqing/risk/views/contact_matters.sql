-- contact_matters: the matters of firms that had a contact with an official (contact_firms) on or after the
-- matter's submission (or its completion, were that earlier): the only matters
-- contact_violations can name (pending while the contact took place, or handled shortly before it). A
-- province has a million matters and a few hundred thousand of such firms' matters; after an import of new
-- matters the rule reads these instead of the million, and a matter submitted after its firm's last contact
-- (nearly every new one) leaves them, and so the rule's alerts, as they are. The rule narrows them further
-- (kinds, dates, units, the scan date: this relation does not depend on it, so it is kept from day to day).
-- One row per application, depending on no other application: a kept copy follows new and changed
-- applications by looking at those alone.
-- @patch applications.application_id
SELECT a.application_id, a.item_code, a.enterprise_uscc, a.handler_official_id, a.status, a.submitted_at,
       a.completed_at
FROM applications AS a
JOIN contact_firms AS c ON c.enterprise_uscc = a.enterprise_uscc
WHERE c.last_contact >= CAST(least(a.submitted_at, coalesce(a.completed_at, a.submitted_at)) AS DATE)
