-- Borrowed qualification (借用资质 / 以他人名义投标): the person behind a bid is not the bidder's.
-- 1. A bid names as project manager (full ID number) or contact (phone) a person registered, on the bid
--    day, at another firm and never at the bidder, and that firm does not bid in the tender: the firm
--    that runs the bid hides behind the bidder's name and licence — the land-bureau case of the Qujing
--    report. Strongest when the winner then pays or subcontracts the contract to that firm. One alert per
--    hidden firm (key `firm:<USCC>`), over every bid its people run and the money it gets back.
-- 2. One project manager (full ID number) on bids of different firms, in different tenders within
--    $window_days, at least one of them a firm he is not registered at: one person stands behind several
--    bidders. One alert per person (key `person:<ID number>`). Bids already explained by 1 are left out.
-- Rival bids sharing a phone or project manager inside one tender are `shared_bid_contact`'s; a firm
-- that itself bids in the tender is therefore never the hidden firm of 1. Identity is never a name.
WITH b AS (
    SELECT * FROM bid_contacts WHERE NOT disqualified
),
named AS (  -- the identities each bid names
    SELECT tender_id, bidder_uscc, bid_day, 'phone' AS via, phone AS ident FROM b WHERE phone IS NOT NULL
    UNION ALL
    SELECT tender_id, bidder_uscc, bid_day, 'pm' AS via, pm_id AS ident FROM b WHERE pm_id IS NOT NULL
),
regs AS (  -- their registrations active on the bid day
    SELECT n.tender_id, n.bidder_uscc, n.via, n.ident, r.enterprise_uscc AS reg_uscc, r.person_name, r.role,
           r.start_date
    FROM named AS n
    JOIN role_contacts AS r ON r.phone = n.ident
    WHERE n.via = 'phone' AND n.bid_day BETWEEN r.start_date AND r.end_date
    UNION ALL
    SELECT n.tender_id, n.bidder_uscc, n.via, n.ident, r.enterprise_uscc AS reg_uscc, r.person_name, r.role,
           r.start_date
    FROM named AS n
    JOIN role_contacts AS r ON r.person_id = n.ident
    WHERE n.via = 'pm' AND n.bid_day BETWEEN r.start_date AND r.end_date
),
own AS (  -- registered at the bidder at any time up to the scan date: registries lag behind hiring
    SELECT n.tender_id, n.bidder_uscc, n.via, n.ident
    FROM named AS n
    JOIN role_contacts AS r ON r.enterprise_uscc = n.bidder_uscc AND r.phone = n.ident
    WHERE n.via = 'phone' AND r.start_date <= $as_of
    UNION
    SELECT n.tender_id, n.bidder_uscc, n.via, n.ident
    FROM named AS n
    JOIN role_contacts AS r ON r.enterprise_uscc = n.bidder_uscc AND r.person_id = n.ident
    WHERE n.via = 'pm' AND r.start_date <= $as_of
),
borrowed AS (  -- registered elsewhere, not at the bidder, and the other firm is not a rival in the tender
    SELECT r.*
    FROM regs AS r
    LEFT JOIN own AS o ON o.tender_id = r.tender_id AND o.bidder_uscc = r.bidder_uscc AND o.via = r.via AND o.ident = r.ident
    LEFT JOIN b AS rival ON rival.tender_id = r.tender_id AND rival.bidder_uscc = r.reg_uscc
    WHERE r.reg_uscc <> r.bidder_uscc AND o.ident IS NULL AND rival.tender_id IS NULL
),
borrowed_bids AS (
    SELECT x.reg_uscc, b.*, x.vias
    FROM (SELECT reg_uscc, tender_id, bidder_uscc, list_sort(array_agg(DISTINCT via)) AS vias
          FROM borrowed GROUP BY reg_uscc, tender_id, bidder_uscc) AS x
    JOIN b ON b.tender_id = x.tender_id AND b.bidder_uscc = x.bidder_uscc
),
won AS (  -- per hidden firm and winning bidder: what was won, and since when money can follow
    SELECT reg_uscc, bidder_uscc, sum(coalesce(amount, budget)) AS won_amount,
           min(coalesce(awarded, bid_day)) AS since
    FROM borrowed_bids
    WHERE winner
    GROUP BY reg_uscc, bidder_uscc
),
money AS (  -- payments and subcontracts from the winner to the hidden firm after the award
    SELECT w.reg_uscc, w.bidder_uscc, w.won_amount, sum(t.amount) AS paid, count(*) AS flows,
           max(CASE WHEN t.kind = 'subcontract' THEN 1 ELSE 0 END) AS subcontract,
           min(t.date) AS first_day, max(t.date) AS last_day
    FROM won AS w
    JOIN transactions AS t ON t.payer_id = w.bidder_uscc AND t.payee_id = w.reg_uscc
    WHERE t.kind IN ('subcontract', 'payment') AND t.date >= w.since AND t.date <= $as_of
      AND t.date <= w.since + INTERVAL $money_days DAY
    GROUP BY w.reg_uscc, w.bidder_uscc, w.won_amount
),
firm_sum AS (
    SELECT x.reg_uscc, count(*) AS bids, count(DISTINCT x.bidder_uscc) AS bidders,
           sum(CASE WHEN x.winner THEN 1 ELSE 0 END) AS wins,
           max(CASE WHEN list_contains(x.vias, 'pm') THEN 1 ELSE 0 END) AS by_pm,
           max(CASE WHEN list_contains(x.vias, 'phone') THEN 1 ELSE 0 END) AS by_phone,
           list_sort(array_agg(DISTINCT x.tender_id)) AS tender_id,
           list_sort(array_agg(DISTINCT x.bidder_uscc)) AS bidder_list,
           list_sort(array_agg(DISTINCT x.buyer_department_code)) AS department_code
    FROM borrowed_bids AS x
    GROUP BY x.reg_uscc
),
firm_money AS (
    SELECT reg_uscc, sum(paid) AS paid, sum(won_amount) AS won_amount FROM money GROUP BY reg_uscc
),
pm_bids AS (  -- bids naming a project manager that part 1 does not explain
    SELECT b.*, o.ident IS NOT NULL AS own_pm
    FROM b
    LEFT JOIN own AS o ON o.tender_id = b.tender_id AND o.bidder_uscc = b.bidder_uscc AND o.via = 'pm' AND o.ident = b.pm_id
    LEFT JOIN (SELECT DISTINCT tender_id, bidder_uscc FROM borrowed WHERE via = 'pm') AS x
      ON x.tender_id = b.tender_id AND x.bidder_uscc = b.bidder_uscc
    WHERE b.pm_id IS NOT NULL AND x.tender_id IS NULL
),
pairs AS (  -- a bid for a firm he is not registered at, and another firm's bid in another tender nearby
    SELECT u.pm_id, u.tender_id AS t1, u.bidder_uscc AS f1, v.tender_id AS t2, v.bidder_uscc AS f2
    FROM pm_bids AS u
    JOIN pm_bids AS v ON v.pm_id = u.pm_id AND v.bidder_uscc <> u.bidder_uscc AND v.tender_id <> u.tender_id
    WHERE NOT u.own_pm AND abs(date_diff('day', u.bid_day, v.bid_day)) <= $window_days
),
spread_bids AS (  -- the bids in those pairs, and every bid of his in a tender where he runs another firm's bid
    SELECT p.*
    FROM pm_bids AS p
    JOIN (SELECT pm_id, t1 AS tender_id, f1 AS bidder_uscc FROM pairs
          UNION SELECT pm_id, t2 AS tender_id, f2 AS bidder_uscc FROM pairs
          UNION SELECT f.pm_id, f.tender_id, f.bidder_uscc
                FROM pm_bids AS f
                JOIN pm_bids AS u ON u.pm_id = f.pm_id AND u.tender_id = f.tender_id AND NOT u.own_pm
                WHERE f.pm_id IN (SELECT pm_id FROM pairs)) AS s
      ON s.pm_id = p.pm_id AND s.tender_id = p.tender_id AND s.bidder_uscc = p.bidder_uscc
),
person_regs AS (  -- where the person is registered during the bids
    SELECT DISTINCT s.pm_id, r.enterprise_uscc, r.person_name, r.role, r.start_date, r.end_date
    FROM spread_bids AS s
    JOIN role_contacts AS r ON r.person_id = s.pm_id AND s.bid_day BETWEEN r.start_date AND r.end_date
),
person_sum AS (
    SELECT s.pm_id, count(*) AS bids, count(DISTINCT s.bidder_uscc) AS firms, count(DISTINCT s.tender_id) AS tenders,
           sum(CASE WHEN NOT s.own_pm THEN 1 ELSE 0 END) AS foreign_bids,
           max(CASE WHEN s.winner AND NOT s.own_pm THEN 1 ELSE 0 END) AS foreign_win,
           min(s.bid_day) AS first_day, max(s.bid_day) AS last_day,
           list_sort(array_agg(DISTINCT s.tender_id)) AS tender_id,
           list_sort(array_agg(DISTINCT s.bidder_uscc)) AS bidder_list,
           list_sort(array_agg(DISTINCT s.buyer_department_code)) AS department_code
    FROM spread_bids AS s
    GROUP BY s.pm_id
),
same_tender AS (
    SELECT DISTINCT pm_id FROM spread_bids GROUP BY pm_id, tender_id HAVING count(DISTINCT bidder_uscc) > 1
),
facts AS (
    SELECT 'firm:' || r.reg_uscc AS key, '0' || r.via || r.ident AS k,
           {'subject': CASE WHEN r.via = 'pm' THEN 'person:' || r.ident ELSE 'phone:' || r.ident END,
            'subject_label': r.person_name, 'relation': 'has_role',
            'object': 'enterprise:' || r.reg_uscc, 'object_label': e.name,
            'detail': max(r.role) || CASE WHEN min(r.start_date) > DATE '1900-01-01'
                                        THEN '，登记自 ' || strftime(min(r.start_date), '%Y-%m-%d') ELSE '' END
                      || CASE WHEN r.via = 'pm' THEN '；以身份证号识别' ELSE '；以电话识别 ' || r.ident END} AS fact
    FROM borrowed AS r
    LEFT JOIN enterprise_names AS e ON e.uscc = r.reg_uscc
    GROUP BY r.reg_uscc, r.via, r.ident, r.person_name, e.name
    UNION ALL
    SELECT 'firm:' || r.reg_uscc AS key, '1' || strftime(x.bid_day, '%Y-%m-%d') || r.tender_id || r.bidder_uscc || r.via AS k,
           {'subject': CASE WHEN r.via = 'pm' THEN 'person:' || r.ident ELSE 'phone:' || r.ident END,
            'subject_label': max(r.person_name), 'relation': 'named_on_bid',
            'object': 'enterprise:' || r.bidder_uscc, 'object_label': e.name,
            'detail': '「' || x.title || '」投标（' || strftime(x.bid_day, '%Y-%m-%d') || '）载明为'
                      || CASE WHEN r.via = 'pm' THEN '项目经理' ELSE '联系人（' || coalesce(x.contact_name, '—') || ' ' || x.contact_phone || '）' END
                      || '；此人未在投标企业登记，其登记企业未参与该项目投标'} AS fact
    FROM borrowed AS r
    JOIN borrowed_bids AS x ON x.reg_uscc = r.reg_uscc AND x.tender_id = r.tender_id AND x.bidder_uscc = r.bidder_uscc
    LEFT JOIN enterprise_names AS e ON e.uscc = r.bidder_uscc
    GROUP BY r.reg_uscc, r.tender_id, r.bidder_uscc, r.via, r.ident, x.bid_day, x.title, x.contact_name, x.contact_phone, e.name
    UNION ALL
    SELECT 'firm:' || x.reg_uscc AS key, '2' || strftime(x.bid_day, '%Y-%m-%d') || x.tender_id || x.bidder_uscc AS k,
           {'subject': 'enterprise:' || x.bidder_uscc, 'subject_label': e.name,
            'relation': CASE WHEN x.winner THEN 'won' ELSE 'bid' END,
            'object': 'tender:' || x.tender_id, 'object_label': x.title,
            'detail': '采购单位 ' || coalesce(d.name, x.buyer_department_code)
                      || CASE WHEN x.amount IS NULL THEN '' ELSE printf('；报价 %.2f 万元', CAST(x.amount AS DOUBLE) / 10000.0) END
                      || CASE WHEN x.winner AND x.awarded IS NOT NULL THEN '；定标 ' || strftime(x.awarded, '%Y-%m-%d') ELSE '' END} AS fact
    FROM borrowed_bids AS x
    LEFT JOIN enterprise_names AS e ON e.uscc = x.bidder_uscc
    LEFT JOIN departments AS d ON d.code = x.buyer_department_code
    UNION ALL
    SELECT 'firm:' || m.reg_uscc AS key, '3' || m.bidder_uscc AS k,
           {'subject': 'enterprise:' || m.bidder_uscc, 'subject_label': e.name,
            'relation': CASE WHEN m.subcontract = 1 THEN 'subcontracted_to' ELSE 'paid' END,
            'object': 'enterprise:' || m.reg_uscc, 'object_label': r.name,
            'detail': '中标后 ' || CAST(m.flows AS VARCHAR) || ' 笔共 '
                      || printf('%.2f', CAST(m.paid AS DOUBLE) / 10000.0) || ' 万元（'
                      || strftime(m.first_day, '%Y-%m-%d') || '…' || strftime(m.last_day, '%Y-%m-%d')
                      || '），为中标金额 ' || printf('%.2f', CAST(m.won_amount AS DOUBLE) / 10000.0) || ' 万元的 '
                      || CAST(CAST(floor(100.0 * CAST(m.paid AS DOUBLE) / CAST(m.won_amount AS DOUBLE) + 0.5) AS BIGINT) AS VARCHAR) || '%'} AS fact
    FROM money AS m
    LEFT JOIN enterprise_names AS e ON e.uscc = m.bidder_uscc
    LEFT JOIN enterprises AS r ON r.uscc = m.reg_uscc
    UNION ALL
    SELECT 'person:' || r.pm_id AS key, '0' || r.enterprise_uscc || r.role || strftime(r.start_date, '%Y-%m-%d') AS k,
           {'subject': 'person:' || r.pm_id, 'subject_label': r.person_name, 'relation': 'has_role',
            'object': 'enterprise:' || r.enterprise_uscc, 'object_label': e.name,
            'detail': r.role || CASE WHEN r.start_date > DATE '1900-01-01' THEN '，登记自 ' || strftime(r.start_date, '%Y-%m-%d') ELSE '' END
                      || CASE WHEN r.end_date < DATE '9999-12-31' THEN '，至 ' || strftime(r.end_date, '%Y-%m-%d') ELSE '' END} AS fact
    FROM person_regs AS r
    LEFT JOIN enterprise_names AS e ON e.uscc = r.enterprise_uscc
    UNION ALL
    SELECT 'person:' || s.pm_id AS key, '1' || strftime(s.bid_day, '%Y-%m-%d') || s.tender_id || s.bidder_uscc AS k,
           {'subject': 'person:' || s.pm_id, 'subject_label': coalesce(n.person_name, '项目经理'), 'relation': 'named_on_bid',
            'object': 'enterprise:' || s.bidder_uscc, 'object_label': e.name,
            'detail': '「' || s.title || '」投标（' || strftime(s.bid_day, '%Y-%m-%d') || '）载明为项目经理；'
                      || CASE WHEN s.own_pm THEN '在该企业登记' ELSE '未在该企业登记' END
                      || CASE WHEN s.amount IS NULL THEN '' ELSE printf('；报价 %.2f 万元', CAST(s.amount AS DOUBLE) / 10000.0) END
                      || CASE WHEN s.winner THEN '；中标' ELSE '' END} AS fact
    FROM spread_bids AS s
    LEFT JOIN enterprise_names AS e ON e.uscc = s.bidder_uscc
    LEFT JOIN (SELECT pm_id, min(person_name) AS person_name FROM person_regs GROUP BY pm_id) AS n ON n.pm_id = s.pm_id
),
evidence AS (
    SELECT key, list_transform(list_sort(array_agg({'k': k, 'f': fact})), lambda x: x.f) AS evidence
    FROM facts
    GROUP BY key
)
SELECT 'firm:' || f.reg_uscc AS alert_key,
       least(100.0, 45.0
            + CASE WHEN f.wins > 0 THEN 15.0 ELSE 0.0 END
            + CASE WHEN f.by_pm = 1 AND f.by_phone = 1 THEN 10.0 ELSE 0.0 END
            + 30.0 * least(1.0, coalesce(CAST(m.paid AS DOUBLE) / CAST(m.won_amount AS DOUBLE), 0.0) / $major_share)) AS score,
       e.name || ' 的登记人员（' || CASE WHEN f.by_pm = 1 AND f.by_phone = 1 THEN '项目经理、联系人'
                                       WHEN f.by_pm = 1 THEN '项目经理' ELSE '联系人' END
           || '）出现在 ' || CAST(f.bidders AS VARCHAR) || ' 家其他企业的 ' || CAST(f.bids AS VARCHAR) || ' 份投标中，中标 '
           || CAST(f.wins AS VARCHAR) || ' 份'
           || CASE WHEN m.paid > 0
                   THEN '；中标后向其分包/付款 ' || printf('%.2f', CAST(m.paid AS DOUBLE) / 10000.0) || ' 万元，占中标金额 '
                        || CAST(CAST(floor(100.0 * CAST(m.paid AS DOUBLE) / CAST(m.won_amount AS DOUBLE) + 0.5) AS BIGINT) AS VARCHAR) || '%'
                   ELSE '' END AS summary,
       list_distinct(list_append(f.bidder_list, f.reg_uscc)) AS enterprise_uscc,
       f.tender_id, f.department_code, ev.evidence
FROM firm_sum AS f
JOIN evidence AS ev ON ev.key = 'firm:' || f.reg_uscc
LEFT JOIN firm_money AS m ON m.reg_uscc = f.reg_uscc
LEFT JOIN enterprise_names AS e ON e.uscc = f.reg_uscc
UNION ALL
SELECT 'person:' || p.pm_id AS alert_key,
       least(100.0, 40.0 + 10.0 * least(3, p.firms - 1)
            + CASE WHEN p.foreign_win = 1 THEN 15.0 ELSE 0.0 END
            + CASE WHEN st.pm_id IS NOT NULL THEN 10.0 ELSE 0.0 END) AS score,
       '项目经理 ' || coalesce(n.person_name, left(p.pm_id, 4) || '**********' || right(p.pm_id, 4))
           || ' 在 ' || strftime(p.first_day, '%Y-%m-%d') || '…' || strftime(p.last_day, '%Y-%m-%d') || ' 为 '
           || CAST(p.firms AS VARCHAR) || ' 家不同企业的 ' || CAST(p.bids AS VARCHAR) || ' 份投标（' || CAST(p.tenders AS VARCHAR)
           || ' 个项目）担任项目经理，其中 ' || CAST(p.foreign_bids AS VARCHAR) || ' 份来自其未登记任职的企业' AS summary,
       list_distinct(list_concat(p.bidder_list, coalesce(n.firms, []))) AS enterprise_uscc,
       p.tender_id, p.department_code, ev.evidence
FROM person_sum AS p
JOIN evidence AS ev ON ev.key = 'person:' || p.pm_id
LEFT JOIN same_tender AS st ON st.pm_id = p.pm_id
LEFT JOIN (SELECT pm_id, min(person_name) AS person_name, list_sort(array_agg(DISTINCT enterprise_uscc)) AS firms
           FROM person_regs GROUP BY pm_id) AS n ON n.pm_id = p.pm_id
