-- Shared contact among competing bids (串通投标 / 陪标): in one tender, bids of different firms give the
-- same contact phone or name the same project manager (full ID number). Rival firms do not share a
-- phone or a project manager; when they do, one hand prepared or runs the bids, which the bidding law
-- deems collusion (《招标投标法实施条例》第四十条: 委托同一单位或者个人办理投标事宜; 项目管理成员为同一人).
-- A contact name alone never links bids; a name agreeing with a shared phone is shown as the same
-- contact person. One alert per tender, naming the linked bidders, which of them won, and where each
-- shared phone or ID number is registered (roles active on the tender's publication day). Disqualified
-- bids are left out (the buyer's check worked). How the shared people sit behind bids of several firms
-- across tenders is the concern of `borrowed_qualification`; this rule looks inside one tender.
WITH b AS (
    SELECT * FROM bid_contacts WHERE NOT disqualified
),
named AS (  -- the identities each bid names
    SELECT tender_id, bidder_uscc, 'phone' AS via, phone AS ident, contact_name, contact_phone AS shown
    FROM b
    WHERE phone IS NOT NULL
    UNION ALL
    SELECT tender_id, bidder_uscc, 'pm' AS via, pm_id AS ident, contact_name, pm_id AS shown
    FROM b
    WHERE pm_id IS NOT NULL
),
links AS (  -- an identity named by the bids of two or more firms in one tender
    SELECT tender_id, via, ident, count(DISTINCT bidder_uscc) AS firms,
           count(DISTINCT contact_name) AS names, count(contact_name) AS named_bids
    FROM named
    GROUP BY tender_id, via, ident
    HAVING count(DISTINCT bidder_uscc) >= 2
),
linked AS (  -- each linked bid with its link
    SELECT n.tender_id, n.bidder_uscc, n.via, n.ident, n.contact_name, n.shown, l.firms,
           l.via = 'phone' AND l.names = 1 AND l.named_bids = l.firms AS same_person
    FROM named AS n
    JOIN links AS l ON l.tender_id = n.tender_id AND l.via = n.via AND l.ident = n.ident
),
registered AS (  -- where a shared identity is registered on the publication day
    SELECT DISTINCT l.tender_id, l.via, l.ident, r.enterprise_uscc, r.person_name, r.role, r.start_date
    FROM links AS l
    JOIN b AS t ON t.tender_id = l.tender_id
    JOIN role_contacts AS r ON r.phone = l.ident
    WHERE l.via = 'phone' AND t.published BETWEEN r.start_date AND r.end_date
    UNION
    SELECT DISTINCT l.tender_id, l.via, l.ident, r.enterprise_uscc, r.person_name, r.role, r.start_date
    FROM links AS l
    JOIN b AS t ON t.tender_id = l.tender_id
    JOIN role_contacts AS r ON r.person_id = l.ident
    WHERE l.via = 'pm' AND t.published BETWEEN r.start_date AND r.end_date
),
tender_sum AS (
    SELECT l.tender_id,
           count(DISTINCT l.bidder_uscc) AS firms,
           count(DISTINCT l.via) AS kinds,
           max(CASE WHEN l.same_person THEN 1 ELSE 0 END) AS same_person,
           max(CASE WHEN b.winner THEN 1 ELSE 0 END) AS winner_linked,
           max(CASE WHEN b.winner THEN l.bidder_uscc END) AS winner_uscc,
           list_sort(array_agg(DISTINCT l.bidder_uscc)) AS enterprise_uscc
    FROM linked AS l
    JOIN b ON b.tender_id = l.tender_id AND b.bidder_uscc = l.bidder_uscc
    GROUP BY l.tender_id
),
reg_sum AS (  -- a shared identity registered at one of the linked bidders shows whose people run the others
    SELECT r.tender_id, max(CASE WHEN l.bidder_uscc IS NOT NULL THEN 1 ELSE 0 END) AS at_bidder
    FROM registered AS r
    LEFT JOIN linked AS l ON l.tender_id = r.tender_id AND l.bidder_uscc = r.enterprise_uscc
    GROUP BY r.tender_id
),
facts AS (
    SELECT t.tender_id, '0' AS k,
           {'subject': 'department:' || t.buyer_department_code, 'subject_label': coalesce(d.name, t.buyer_department_code),
            'relation': 'tendered', 'object': 'tender:' || t.tender_id, 'object_label': t.title,
            'detail': t.method || '；公告 ' || strftime(t.published, '%Y-%m-%d')
                      || CASE WHEN t.budget IS NULL THEN '' ELSE printf('；预算 %.2f 万元', CAST(t.budget AS DOUBLE) / 10000.0) END
                      || '；有效投标 ' || CAST(t.bids AS VARCHAR) || ' 家'} AS fact
    FROM (SELECT tender_id, max(title) AS title, max(buyer_department_code) AS buyer_department_code,
                 max(method) AS method, max(published) AS published, max(budget) AS budget, count(*) AS bids
          FROM b
          WHERE tender_id IN (SELECT tender_id FROM tender_sum)
          GROUP BY tender_id) AS t
    LEFT JOIN departments AS d ON d.code = t.buyer_department_code
    UNION ALL
    SELECT l.tender_id, '1' || l.via || l.ident || l.bidder_uscc AS k,
           {'subject': CASE WHEN l.via = 'phone' THEN 'phone:' || l.ident ELSE 'person:' || l.ident END,
            'subject_label': CASE WHEN l.via = 'phone' THEN coalesce(l.contact_name, '') || ' ' || l.shown
                                  ELSE '项目经理 ' || left(l.ident, 4) || '**********' || right(l.ident, 4) END,
            'relation': 'named_on_bid', 'object': 'enterprise:' || l.bidder_uscc, 'object_label': e.name,
            'detail': CASE WHEN l.via = 'phone' THEN '投标联系电话相同（' || CAST(l.firms AS VARCHAR) || ' 家）'
                                || CASE WHEN l.same_person THEN '，联系人同名：同一联系人' ELSE '' END
                           ELSE '项目经理身份证号相同（' || CAST(l.firms AS VARCHAR) || ' 家）' END
                      || '；联系人 ' || coalesce(b.contact_name, '—')
                      || CASE WHEN b.amount IS NULL THEN '' ELSE printf('；报价 %.2f 万元', CAST(b.amount AS DOUBLE) / 10000.0) END
                      || CASE WHEN b.winner THEN '；中标' ELSE '' END} AS fact
    FROM linked AS l
    JOIN b ON b.tender_id = l.tender_id AND b.bidder_uscc = l.bidder_uscc
    LEFT JOIN enterprise_names AS e ON e.uscc = l.bidder_uscc
    UNION ALL
    SELECT r.tender_id, '2' || r.via || r.ident || r.enterprise_uscc || r.role AS k,
           {'subject': CASE WHEN r.via = 'phone' THEN 'phone:' || r.ident ELSE 'person:' || r.ident END,
            'subject_label': r.person_name, 'relation': 'has_role',
            'object': 'enterprise:' || r.enterprise_uscc, 'object_label': e.name,
            'detail': r.role || CASE WHEN r.start_date > DATE '1900-01-01' THEN '，登记自 ' || strftime(r.start_date, '%Y-%m-%d') ELSE '' END
                      || CASE WHEN l.bidder_uscc IS NULL THEN '（未参与本次投标）' ELSE '（本次投标人之一）' END} AS fact
    FROM registered AS r
    LEFT JOIN enterprise_names AS e ON e.uscc = r.enterprise_uscc
    LEFT JOIN (SELECT DISTINCT tender_id, bidder_uscc FROM linked) AS l
      ON l.tender_id = r.tender_id AND l.bidder_uscc = r.enterprise_uscc
    UNION ALL
    SELECT b.tender_id, '3' AS k,
           {'subject': 'enterprise:' || b.bidder_uscc, 'subject_label': e.name, 'relation': 'won',
            'object': 'tender:' || b.tender_id, 'object_label': b.title,
            'detail': CASE WHEN b.amount IS NULL THEN '' ELSE printf('中标价 %.2f 万元', CAST(b.amount AS DOUBLE) / 10000.0) END
                      || CASE WHEN b.awarded IS NULL THEN '' ELSE '；定标 ' || strftime(b.awarded, '%Y-%m-%d') END
                      || CASE WHEN s.winner_linked = 1 THEN '；中标人是共用联系方式的投标人之一' ELSE '；中标人不在其中' END} AS fact
    FROM b
    JOIN tender_sum AS s ON s.tender_id = b.tender_id
    LEFT JOIN enterprise_names AS e ON e.uscc = b.bidder_uscc
    WHERE b.winner
),
evidence AS (
    SELECT tender_id, list_transform(list_sort(array_agg({'k': k, 'f': fact})), lambda x: x.f) AS evidence
    FROM facts
    GROUP BY tender_id
)
SELECT s.tender_id AS alert_key,
       least(100.0, 50.0
            + CASE WHEN s.winner_linked = 1 THEN 15.0 ELSE 0.0 END
            + 5.0 * least(2, s.firms - 2)
            + CASE WHEN s.kinds > 1 THEN 10.0 ELSE 0.0 END
            + CASE WHEN s.same_person = 1 THEN 5.0 ELSE 0.0 END
            + CASE WHEN coalesce(r.at_bidder, 0) = 1 THEN 5.0 ELSE 0.0 END) AS score,
       printf('「%s」中 %d 家投标人共用%s', t.title, s.firms,
              CASE WHEN s.kinds > 1 THEN '联系电话和项目经理'
                   WHEN max_via.via = 'pm' THEN '项目经理' ELSE '联系电话' END)
           || CASE WHEN s.winner_linked = 1 THEN '，其中 ' || coalesce(w.name, s.winner_uscc) || ' 中标' ELSE '' END AS summary,
       s.enterprise_uscc,
       [s.tender_id] AS tender_id,
       [t.buyer_department_code] AS department_code,
       ev.evidence
FROM tender_sum AS s
JOIN tenders AS t ON t.tender_id = s.tender_id
JOIN evidence AS ev ON ev.tender_id = s.tender_id
JOIN (SELECT tender_id, max(via) AS via FROM links GROUP BY tender_id) AS max_via ON max_via.tender_id = s.tender_id
LEFT JOIN reg_sum AS r ON r.tender_id = s.tender_id
LEFT JOIN enterprise_names AS w ON w.uscc = s.winner_uscc
