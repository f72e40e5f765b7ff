-- kin_liaisons: the firms an official whose kin hold a firm (kin_firms) is assigned to as liaison (包保):
-- a dealing money_to_kin_firm weighs beside the money. A province has four million liaisons and a few
-- hundred such assignments; kept while the liaisons and the kin's firms are unchanged, so a scan after
-- an import of matters or payments does not read the four million again.
-- @keep
SELECT l.official_id, l.enterprise_uscc, l.role, l.start_date, l.end_date
FROM liaisons AS l
WHERE l.official_id IN (SELECT official_id FROM kin_firms)
