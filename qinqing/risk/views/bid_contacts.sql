-- bid_contacts: every bid up to the scan date with the people it names, made comparable: the contact
-- phone as digits only (separators and a +86 / 0086 prefix dropped: the contract lets phones carry
-- them), the project manager's ID number only when it is a full number (a masked number never proves
-- identity), and the day the bid counts from (its submission, else the deadline, else publication).
WITH b AS (
    SELECT b.tender_id, b.bidder_uscc, b.amount, coalesce(b.winner, FALSE) AS winner,
           coalesce(b.disqualified, FALSE) AS disqualified, b.contact_name, b.contact_phone,
           regexp_replace(b.contact_phone, '[^0-9]', '', 'g') AS digits,
           CASE WHEN b.project_manager_id NOT LIKE '%*%' THEN upper(b.project_manager_id) END AS pm_id,
           CAST(coalesce(b.submitted_at, t.bid_deadline, t.published_at) AS DATE) AS bid_day,
           t.title, t.buyer_department_code, t.method, t.budget, CAST(t.published_at AS DATE) AS published,
           CAST(t.awarded_at AS DATE) AS awarded
    FROM bids AS b
    JOIN tenders AS t ON t.tender_id = b.tender_id
)
SELECT tender_id, bidder_uscc, amount, winner, disqualified, contact_name, contact_phone,
       CASE WHEN length(digits) = 15 AND digits LIKE '0086%' THEN substr(digits, 5)
            WHEN length(digits) = 13 AND digits LIKE '86%' THEN substr(digits, 3)
            WHEN digits = '' THEN NULL
            ELSE digits END AS phone,
       pm_id, bid_day, title, buyer_department_code, method, budget, published,
       CASE WHEN awarded <= $as_of THEN awarded END AS awarded
FROM b
WHERE bid_day <= $as_of
