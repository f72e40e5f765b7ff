-- awarded_bids: every valid bid on a tender awarded by the scan date, with the tender's buyer and sector,
-- its number of valid bids and winners, and each bid's fair chance (winners / valid bids). The tender
-- competition rules (cover_bidding, bid_rotation_ring, habitual_winner) judge a firm's wins against that
-- chance. Disqualified bids are left out (they could not win); so are tenders without a flagged winner
-- (failed, or the award not recorded) and tenders where every valid bid won (nothing was contested).
WITH valid AS (
    SELECT b.tender_id, b.bidder_uscc, CAST(b.amount AS DOUBLE) AS amount, coalesce(b.winner, FALSE) AS won
    FROM bids AS b
    WHERE NOT coalesce(b.disqualified, FALSE)
),
counted AS (
    SELECT t.tender_id, t.title, t.buyer_department_code AS buyer, t.sector, CAST(t.awarded_at AS DATE) AS award_day,
           v.bidder_uscc, v.amount, v.won,
           count(*) OVER (PARTITION BY v.tender_id) AS n_bids,
           sum(CASE WHEN v.won THEN 1 ELSE 0 END) OVER (PARTITION BY v.tender_id) AS n_won
    FROM tenders AS t
    JOIN valid AS v ON v.tender_id = t.tender_id
    WHERE t.awarded_at IS NOT NULL AND CAST(t.awarded_at AS DATE) <= $as_of
)
SELECT c.*, CAST(c.n_won AS DOUBLE) / CAST(c.n_bids AS DOUBLE) AS chance
FROM counted AS c
WHERE c.n_won >= 1 AND c.n_won < c.n_bids
