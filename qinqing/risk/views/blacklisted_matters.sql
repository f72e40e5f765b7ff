-- blacklisted_matters: completed payment matters (an application with an amount) of firms on the
-- bribers' blacklist, whatever the ban's dates: the only matters blacklisted_firm_active can name. After
-- an import of new matters the rule reads these few instead of a million.
-- One row per application, depending on no other application: a kept copy follows new and changed
-- applications by looking at those alone.
-- @patch applications.application_id
SELECT a.application_id, a.item_code, a.enterprise_uscc, a.amount, a.completed_at
FROM applications AS a
WHERE a.amount IS NOT NULL AND a.status = 'completed'
  AND a.enterprise_uscc IN (SELECT uscc FROM blacklist)
