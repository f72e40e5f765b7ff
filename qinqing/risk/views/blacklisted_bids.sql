-- blacklisted_bids: the bids (not disqualified) of firms on the bribers' blacklist, whatever the ban's
-- dates, with their tender: the only bids blacklisted_firm_active can name. Kept while bids, tenders and
-- the blacklist are unchanged, so a scan after an import of matters does not join half a million bids
-- with their tenders again.
-- @keep
SELECT b.tender_id, b.bidder_uscc, b.amount, b.winner, b.submitted_at, t.title, t.buyer_department_code,
       t.bid_deadline, t.published_at, t.awarded_at
FROM bids AS b
JOIN tenders AS t ON t.tender_id = b.tender_id
WHERE NOT coalesce(b.disqualified, FALSE) AND b.bidder_uscc IN (SELECT uscc FROM blacklist)
