-- Blacklisted firm back in business: a firm on the bribers' blacklist (行贿人黑名单, start_date…end_date,
-- an empty end = still barred) bids in a tender, or is awarded one, during its ban — the bar the
-- blacklist exists to enforce (行贿受贿一起查). A bid counts by its submission time (else the tender's
-- deadline, else its publication); a win also counts when the award falls in the ban. Bids the buyer
-- disqualified do not count (the check worked). Public payments the firm receives during the ban
-- (applications with an amount: payment reviews, settlement audits) are named beside the bids; on
-- their own they raise an alert only with $payments_alone (a firm is still owed payment for work under a
-- contract it won before the ban).
WITH bans AS (
    SELECT uscc, reason, case_id, start_date, end_date AS end_raw, coalesce(end_date, DATE '9999-12-31') AS end_date
    FROM blacklist
    WHERE start_date <= $as_of
),
bid_days AS (
    SELECT b.tender_id, b.bidder_uscc, b.amount, b.winner, b.title, b.buyer_department_code,
           CAST(coalesce(b.submitted_at, b.bid_deadline, b.published_at) AS DATE) AS bid_day,
           CAST(b.awarded_at AS DATE) AS award_day
    FROM blacklisted_bids AS b  -- bids not disqualified of blacklisted firms, with their tender
    WHERE b.bidder_uscc IN (SELECT uscc FROM bans)
),
tender_hits AS (
    SELECT bn.uscc, bn.start_date, d.tender_id, d.title, d.buyer_department_code, d.amount, d.bid_day, d.award_day,
           d.bid_day BETWEEN bn.start_date AND bn.end_date AS bid_in_ban,
           d.winner AND (d.bid_day BETWEEN bn.start_date AND bn.end_date
                         OR d.award_day BETWEEN bn.start_date AND bn.end_date) AS won
    FROM bans AS bn
    JOIN bid_days AS d ON d.bidder_uscc = bn.uscc
    WHERE d.bid_day <= $as_of
      AND (d.bid_day BETWEEN bn.start_date AND bn.end_date
           OR d.winner AND d.award_day BETWEEN bn.start_date AND bn.end_date AND d.award_day <= $as_of)
),
payment_hits AS (
    SELECT bn.uscc, bn.start_date, a.application_id, s.name AS what, s.department_code AS unit, a.amount,
           CAST(a.completed_at AS DATE) AS day
    FROM bans AS bn
    JOIN blacklisted_matters AS a ON a.enterprise_uscc = bn.uscc  -- completed, with an amount
    JOIN service_items AS s ON s.item_code = a.item_code
    WHERE CAST(a.completed_at AS DATE) BETWEEN bn.start_date AND bn.end_date
      AND CAST(a.completed_at AS DATE) <= $as_of
),
tender_sum AS (
    SELECT uscc, start_date, count(*) AS hits, sum(CASE WHEN bid_in_ban THEN 1 ELSE 0 END) AS bids,
           sum(CASE WHEN won THEN 1 ELSE 0 END) AS wins,
           sum(CASE WHEN won THEN coalesce(amount, 0) ELSE 0 END) AS won_amount,
           list_sort(array_agg(DISTINCT tender_id)) AS tender_id,
           list_sort(array_agg(DISTINCT buyer_department_code)) AS buyers
    FROM tender_hits
    GROUP BY uscc, start_date
),
payment_sum AS (
    SELECT uscc, start_date, count(*) AS payments, sum(amount) AS paid,
           list_sort(array_agg(DISTINCT application_id)) AS application_id,
           list_sort(array_agg(DISTINCT unit)) AS units
    FROM payment_hits
    GROUP BY uscc, start_date
),
alerts AS (
    SELECT bn.uscc, bn.start_date, bn.end_raw, bn.end_date, bn.reason, bn.case_id,
           coalesce(ts.bids, 0) AS bids, coalesce(ts.wins, 0) AS wins, coalesce(ts.won_amount, 0) AS won_amount,
           coalesce(ps.payments, 0) AS payments, coalesce(ps.paid, 0) AS paid,
           ts.tender_id, ps.application_id,
           list_distinct(list_concat(coalesce(ts.buyers, []), coalesce(ps.units, []))) AS department_code
    FROM bans AS bn
    LEFT JOIN tender_sum AS ts ON ts.uscc = bn.uscc AND ts.start_date = bn.start_date
    LEFT JOIN payment_sum AS ps ON ps.uscc = bn.uscc AND ps.start_date = bn.start_date
    WHERE ts.hits > 0 OR ($payments_alone AND ps.payments > 0)
),
facts AS (
    SELECT a.uscc, a.start_date, '0' AS k,
           {'subject': 'enterprise:' || a.uscc, 'subject_label': e.name, 'relation': 'blacklisted',
            'object': CASE WHEN a.case_id IS NULL THEN 'blacklist:' || a.uscc ELSE 'case:' || a.case_id END,
            'object_label': coalesce(a.case_id, '行贿人黑名单'),
            'detail': strftime(a.start_date, '%Y-%m-%d') || '…'
                      || CASE WHEN a.end_raw IS NULL THEN 'open' ELSE strftime(a.end_raw, '%Y-%m-%d') END
                      || '; ' || a.reason} AS fact
    FROM alerts AS a
    JOIN enterprise_names AS e ON e.uscc = a.uscc
    UNION ALL
    SELECT a.uscc, a.start_date, '1' AS k,
           {'subject': 'case:' || c.case_id, 'subject_label': c.case_id, 'relation': 'bribed',
            'object': 'official:' || c.subject_official_id, 'object_label': o.name,
            'detail': printf('%s case opened %s', c.domain, strftime(c.opened_at, '%Y-%m-%d'))
                      || CASE WHEN c.bribe_amount IS NULL THEN '' ELSE printf('; bribes %.2f 万元', c.bribe_amount / 10000.0) END} AS fact
    FROM alerts AS a
    JOIN cases AS c ON c.case_id = a.case_id
    JOIN officials AS o ON o.official_id = c.subject_official_id
    UNION ALL
    SELECT h.uscc, h.start_date, '2' || strftime(h.bid_day, '%Y-%m-%d') || h.tender_id AS k,
           {'subject': 'enterprise:' || h.uscc, 'subject_label': e.name,
            'relation': CASE WHEN h.won THEN 'won' ELSE 'bid_on' END,
            'object': 'tender:' || h.tender_id, 'object_label': h.title,
            'detail': 'buyer ' || coalesce(dp.name, h.buyer_department_code) || '; bid ' || strftime(h.bid_day, '%Y-%m-%d')
                      || CASE WHEN h.amount IS NULL THEN '' ELSE printf(' %.2f 万元', h.amount / 10000.0) END
                      || CASE WHEN h.won THEN '; awarded ' || coalesce(strftime(h.award_day, '%Y-%m-%d'), '?') ELSE '' END} AS fact
    FROM tender_hits AS h
    JOIN alerts AS a ON a.uscc = h.uscc AND a.start_date = h.start_date
    JOIN enterprise_names AS e ON e.uscc = h.uscc
    LEFT JOIN departments AS dp ON dp.code = h.buyer_department_code
    UNION ALL
    SELECT p.uscc, p.start_date, '3' || strftime(p.day, '%Y-%m-%d') || p.application_id AS k,
           {'subject': 'department:' || p.unit, 'subject_label': coalesce(dp.name, p.unit), 'relation': 'paid',
            'object': 'enterprise:' || p.uscc, 'object_label': e.name,
            'detail': printf('%s %s %.2f 万元, completed %s', p.application_id, p.what, p.amount / 10000.0,
                             strftime(p.day, '%Y-%m-%d'))} AS fact
    FROM payment_hits AS p
    JOIN alerts AS a ON a.uscc = p.uscc AND a.start_date = p.start_date
    JOIN enterprise_names AS e ON e.uscc = p.uscc
    LEFT JOIN departments AS dp ON dp.code = p.unit
),
evidence AS (
    SELECT uscc, start_date, list_transform(list_sort(array_agg({'k': k, 'f': fact})), lambda x: x.f) AS evidence
    FROM facts
    GROUP BY uscc, start_date
)
SELECT a.uscc || '|' || strftime(a.start_date, '%Y-%m-%d') AS alert_key,
       least(100.0, 40.0
            + CASE WHEN a.wins > 0 THEN 30.0 ELSE 0.0 END
            + 5.0 * least(3, a.bids)
            + CASE WHEN a.payments > 0 THEN 10.0 ELSE 0.0 END
            + 5.0 * least(1.0, a.won_amount / $large_amount)) AS score,
       printf('黑名单企业 %s 在限制期内投标 %d 次、中标 %d 次%s', e.name, a.bids, a.wins,
              CASE WHEN a.payments > 0 THEN printf('，获财政支付/结算 %d 笔 %.2f 万元', a.payments, a.paid / 10000.0)
                   ELSE '' END) AS summary,
       [a.uscc] AS enterprise_uscc,
       a.tender_id, a.application_id, a.department_code,
       CASE WHEN c.subject_official_id IS NULL THEN CAST(NULL AS VARCHAR[]) ELSE [c.subject_official_id] END AS official_id,
       ev.evidence
FROM alerts AS a
JOIN enterprise_names AS e ON e.uscc = a.uscc
JOIN evidence AS ev ON ev.uscc = a.uscc AND ev.start_date = a.start_date
LEFT JOIN cases AS c ON c.case_id = a.case_id
