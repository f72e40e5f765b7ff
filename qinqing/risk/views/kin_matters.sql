-- kin_matters: the matters of the firms an official or a declared relative holds or serves in (kin_firms,
-- kin_stakes) and of the firms on the other side of a money flow with such a firm (kin_matter_firms): the
-- only matters the kin rules (kin_stake_decisions, money_to_kin_firm) can name. A province has a million matters and a few
-- hundred such firms; after an import of new matters the rules read these few thousand instead of the
-- million. The rules narrow them further (the stake's layers and share, the flow's kind and date).
-- One row per application, depending on no other application: a kept copy follows new and changed
-- applications by looking at those alone.
-- @patch applications.application_id
SELECT a.application_id, a.item_code, a.enterprise_uscc, a.handler_official_id, a.status, a.submitted_at,
       a.accepted_at, a.completed_at
FROM applications AS a
WHERE a.enterprise_uscc IN (SELECT enterprise_uscc FROM kin_matter_firms)
