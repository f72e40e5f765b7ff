-- kin_awards: the tenders won by the firms whose matters kin_matters holds (kin_matter_firms: the firms an
-- official or a declared relative holds or serves in, and the firms on the other side of a money flow
-- with one of them), with the buyer and the dates of the tender. The only awards the kin rules
-- (kin_stake_decisions, money_to_kin_firm) can name: a province has a hundred thousand winning bids and a
-- few hundred such firms. Kept while the bids, the tenders and those firms are unchanged: an import of
-- new matters leaves it as it is, and the rules join a few rows instead of every award.
-- @keep
SELECT b.tender_id, b.bidder_uscc, t.buyer_department_code, t.title, t.awarded_at, t.published_at
FROM bids AS b
JOIN tenders AS t ON t.tender_id = b.tender_id
WHERE b.winner AND b.bidder_uscc IN (SELECT enterprise_uscc FROM kin_matter_firms)
