-- returned_matters: the matters sent back for more material at least twice (applications.returns), the
-- least repeated_returns' `min_returns` can be: the matters its alerts name as evidence. A province has a
-- million matters and a few tens of thousands of these; the rule reads them instead of the million.
-- One row per application, depending on no other application: a kept copy follows new and changed
-- applications by looking at those alone.
-- @patch applications.application_id
SELECT a.application_id, a.item_code, a.enterprise_uscc, a.handler_official_id, a.status, a.returns,
       a.submitted_at, a.accepted_at, a.completed_at
FROM applications AS a
WHERE a.returns >= 2
