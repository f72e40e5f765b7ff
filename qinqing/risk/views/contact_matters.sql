-- contact_matters: the matters of firms that had a contact with an official (interactions): the only
-- matters contact_violations can name (pending while the contact took place, or handled shortly before).
-- A province has a million matters and a few thousand of such firms' matters; after an import of new
-- matters the rule reads these instead of the million. It narrows them further (kinds, dates, units).
-- One row per application, depending on no other application: a kept copy follows new and changed
-- applications by looking at those alone.
-- @patch applications.application_id
SELECT a.application_id, a.item_code, a.enterprise_uscc, a.handler_official_id, a.status, a.submitted_at,
       a.completed_at
FROM applications AS a
WHERE a.enterprise_uscc IN (SELECT enterprise_uscc FROM interactions)
