-- kin_decisions: the decisions among kin_matters on the matters of the firms an official or a declared
-- relative holds or serves in (kin_firms, kin_stakes): accepted, completed or rejected, with the date of
-- the decision. The only matters kin_stake_decisions can name; kin_matters also holds the matters of the
-- firms on the other side of a money flow, which only money_to_kin_firm reads. Apart, a new matter still
-- pending, or one of a counterparty, leaves this relation, and so the rule's alerts, as they are.
-- One row per row of kin_matters: a kept copy follows the matters kin_matters re-derives after an import.
-- @patch kin_matters.application_id
SELECT m.application_id, m.item_code, m.enterprise_uscc, m.handler_official_id, m.status, m.submitted_at,
       m.accepted_at, m.completed_at
FROM kin_matters AS m
WHERE m.status IN ('accepted', 'completed', 'rejected') AND coalesce(m.completed_at, m.accepted_at) IS NOT NULL
  AND m.enterprise_uscc IN (SELECT enterprise_uscc FROM kin_firms UNION SELECT enterprise_uscc FROM kin_stakes)
