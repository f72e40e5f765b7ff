-- kin_flows: the money flows (transactions) to or from a firm an official or a declared relative holds
-- (kin_firms): the only flows money_to_kin_firm can name, read four times by it. A province has half a
-- million flows and a few hundred such firms; kept while the flows and the kin's firms are unchanged.
-- @keep
SELECT t.payer_id, t.payee_id, t.kind, t.amount, t.date
FROM transactions AS t
WHERE t.payee_id IN (SELECT enterprise_uscc FROM kin_firms) OR t.payer_id IN (SELECT enterprise_uscc FROM kin_firms)
