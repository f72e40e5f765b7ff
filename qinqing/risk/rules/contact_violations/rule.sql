-- Contacts against the rules (政商交往违规): an official's contacts with a firm that are
--   (a) of a kind on the negative list (lists.csv list='negative': gifts, banquets, travel, ...);
--   (b) of a kind on neither list that is a meal worth more than $meal_cap yuan, or a gift, trip or
--       entertainment ($gift_kinds) worth more than $gift_cap yuan (value unknown counts as over the cap);
--   (c) of any kind not on the positive list while a matter of that firm is pending (submitted, not yet
--       completed) at a unit at or below the official's post, or with the official as handler.
-- Positive-list contacts (办理涉企事项, 包保走访, 政策宣讲, ...) are the permitted ways to meet a firm, also
-- while its matter is pending, and never raise. One alert per official and firm, all its contacts
-- aggregated; it names the pending matters and the firm's matters the official handled in the
-- $related_days days before a contact (a gift after the permit is the classic thank-you).
WITH list_codes AS (
    SELECT code, max(list) AS list, max(title) AS title
    FROM lists
    GROUP BY code
),
contacts AS (
    SELECT i.official_id, i.enterprise_uscc, i.date, i.kind, i.description, i.value, lc.list, lc.title,
           row_number() OVER (PARTITION BY i.official_id, i.enterprise_uscc
                              ORDER BY i.date, i.kind, i.value, i.description) AS n
    FROM interactions AS i
    LEFT JOIN list_codes AS lc ON lc.code = i.kind
    WHERE i.date <= $as_of AND coalesce(lc.list, '') <> 'positive'
),
classified AS (
    SELECT c.*,
           coalesce(c.list = 'negative', FALSE) AS negative,
           c.list IS NULL AND (list_contains($meal_kinds, c.kind) AND coalesce(c.value, 0.0) > $meal_cap
                               OR list_contains($gift_kinds, c.kind) AND coalesce(c.value, $gift_cap + 1.0) > $gift_cap)
               AS over_cap
    FROM contacts AS c
),
post_units AS (
    SELECT p.official_id, p.start_date, coalesce(p.end_date, $as_of) AS end_date, u.department_code AS unit
    FROM posts AS p
    JOIN unit_tree AS u ON u.ancestor_code = p.department_code
    WHERE p.official_id IN (SELECT official_id FROM contacts)
),
firm_matters AS (
    SELECT a.application_id, a.enterprise_uscc, a.handler_official_id, a.status, s.name AS what,
           s.department_code AS unit, CAST(a.submitted_at AS DATE) AS submitted,
           CAST(a.completed_at AS DATE) AS completed
    FROM contact_matters AS a  -- the matters of firms with any contact
    JOIN service_items AS s ON s.item_code = a.item_code
    WHERE a.enterprise_uscc IN (SELECT enterprise_uscc FROM contacts)
),
pending AS (  -- contacts while a matter of the firm was pending with the official or his unit
    SELECT c.official_id, c.enterprise_uscc, c.n, m.application_id, m.what, m.unit, m.submitted, m.completed,
           coalesce(m.handler_official_id = c.official_id, FALSE) AS personally
    FROM classified AS c
    JOIN firm_matters AS m
      ON m.enterprise_uscc = c.enterprise_uscc AND c.date >= m.submitted
     AND c.date <= coalesce(m.completed, CASE WHEN m.status = 'withdrawn' THEN m.submitted ELSE $as_of END)
    LEFT JOIN post_units AS pu
      ON pu.official_id = c.official_id AND pu.unit = m.unit AND c.date BETWEEN pu.start_date AND pu.end_date
    WHERE m.handler_official_id = c.official_id OR pu.unit IS NOT NULL
),
handled_before AS (  -- matters of the firm the official handled shortly before the contact
    SELECT c.official_id, c.enterprise_uscc, c.n, m.application_id, m.what, m.unit, m.submitted, m.completed
    FROM classified AS c
    JOIN firm_matters AS m
      ON m.enterprise_uscc = c.enterprise_uscc AND m.handler_official_id = c.official_id
     AND m.completed < c.date AND m.completed >= c.date - INTERVAL $related_days DAY
),
matter_links AS (
    SELECT official_id, enterprise_uscc, n, application_id, what, unit, submitted, completed, 'pending' AS link,
           personally
    FROM pending
    UNION ALL
    SELECT official_id, enterprise_uscc, n, application_id, what, unit, submitted, completed, 'handled_before' AS link,
           TRUE AS personally
    FROM handled_before
),
per_contact AS (
    SELECT c.official_id, c.enterprise_uscc, c.n, c.date, c.kind, c.description, c.value, c.title, c.negative, c.over_cap,
           coalesce(bool_or(ml.link = 'pending'), FALSE) AS during_pending,
           coalesce(bool_or(ml.personally), FALSE) AS personally
    FROM classified AS c
    LEFT JOIN matter_links AS ml ON ml.official_id = c.official_id AND ml.enterprise_uscc = c.enterprise_uscc AND ml.n = c.n
    GROUP BY c.official_id, c.enterprise_uscc, c.n, c.date, c.kind, c.description, c.value, c.title, c.negative, c.over_cap
),
flagged AS (
    SELECT * FROM per_contact WHERE negative OR over_cap OR during_pending
),
alerts AS (
    SELECT official_id, enterprise_uscc, count(*) AS contacts, sum(coalesce(value, 0.0)) AS value,
           bool_or(negative) AS negative, bool_or(over_cap) AS over_cap, bool_or(during_pending) AS during_pending,
           bool_or(personally) AS personally,
           array_to_string(list_sort(array_agg(DISTINCT coalesce(title, CASE kind WHEN 'meal' THEN '用餐'
               WHEN 'gift' THEN '礼品' WHEN 'travel' THEN '旅游' WHEN 'entertainment' THEN '娱乐' ELSE kind END))), '、') AS kinds
    FROM flagged
    GROUP BY official_id, enterprise_uscc
),
linked AS (  -- the matters the alert names: those linked to a flagged contact
    SELECT ml.official_id, ml.enterprise_uscc, ml.application_id, ml.what, ml.unit, ml.submitted, ml.completed,
           bool_or(ml.link = 'pending') AS pending, bool_or(ml.personally) AS personally
    FROM matter_links AS ml
    JOIN flagged AS f ON f.official_id = ml.official_id AND f.enterprise_uscc = ml.enterprise_uscc AND f.n = ml.n
    GROUP BY ml.official_id, ml.enterprise_uscc, ml.application_id, ml.what, ml.unit, ml.submitted, ml.completed
),
facts AS (
    SELECT f.official_id, f.enterprise_uscc, '0' || strftime(f.date, '%Y-%m-%d') || printf('%06d', f.n) AS k,
           {'subject': 'official:' || f.official_id, 'subject_label': o.name,
            'relation': CASE WHEN f.kind IN ('gift', 'expense_reimbursement') THEN 'received_gift'
                             WHEN f.kind IN ('meal', 'banquet') THEN 'dined_with'
                             WHEN f.kind = 'travel' THEN 'travelled_with'
                             WHEN f.kind = 'entertainment' THEN 'entertained_by'
                             WHEN f.kind = 'borrow_money' THEN 'borrowed_from'
                             ELSE 'met' END,
            'object': 'enterprise:' || f.enterprise_uscc, 'object_label': e.name,
            'detail': strftime(f.date, '%Y-%m-%d') || ' ' || f.kind
                      || CASE WHEN f.value IS NULL THEN '' ELSE printf(' %.2f 元', f.value) END
                      || CASE WHEN f.description IS NULL THEN '' ELSE '; ' || f.description END
                      || CASE WHEN f.negative THEN '; negative list: ' || coalesce(f.title, f.kind) ELSE '' END
                      || CASE WHEN NOT f.over_cap THEN ''
                              WHEN f.value IS NULL THEN '; value unknown, counted as over the cap'
                              WHEN list_contains($meal_kinds, f.kind) THEN printf('; over the %.0f-yuan meal cap', CAST($meal_cap AS DOUBLE))
                              ELSE printf('; over the %.0f-yuan gift cap', CAST($gift_cap AS DOUBLE)) END
                      || CASE WHEN f.during_pending THEN '; while a matter of the firm was pending' ELSE '' END} AS fact
    FROM flagged AS f
    JOIN officials AS o ON o.official_id = f.official_id
    JOIN enterprise_names AS e ON e.uscc = f.enterprise_uscc
    UNION ALL
    SELECT l.official_id, l.enterprise_uscc, '1' || strftime(l.submitted, '%Y-%m-%d') || l.application_id AS k,
           {'subject': 'enterprise:' || l.enterprise_uscc, 'subject_label': e.name, 'relation': 'applied',
            'object': 'application:' || l.application_id, 'object_label': l.what,
            'detail': coalesce(dp.name, l.unit) || ', submitted ' || strftime(l.submitted, '%Y-%m-%d')
                      || CASE WHEN l.completed IS NULL THEN ', not completed' ELSE ', completed ' || strftime(l.completed, '%Y-%m-%d') END
                      || CASE WHEN l.personally THEN '; handled by the official' ELSE '' END
                      || CASE WHEN l.pending THEN '; pending at a contact' ELSE '; completed before a contact' END} AS fact
    FROM linked AS l
    JOIN enterprise_names AS e ON e.uscc = l.enterprise_uscc
    LEFT JOIN departments AS dp ON dp.code = l.unit
),
evidence AS (
    SELECT official_id, enterprise_uscc, list_transform(list_sort(array_agg({'k': k, 'f': fact})), lambda x: x.f) AS evidence
    FROM facts
    GROUP BY official_id, enterprise_uscc
),
names AS (
    SELECT official_id, enterprise_uscc,
           list_sort(array_agg(DISTINCT application_id)) AS application_id,
           list_sort(array_agg(DISTINCT unit)) AS department_code
    FROM linked
    GROUP BY official_id, enterprise_uscc
)
SELECT a.official_id || '|' || a.enterprise_uscc AS alert_key,
       least(100.0, 40.0
            + CASE WHEN a.negative THEN 20.0 ELSE 0.0 END
            + CASE WHEN a.over_cap THEN 10.0 ELSE 0.0 END
            + least(10.0, a.value / 1000.0)
            + CASE WHEN a.during_pending THEN 15.0 ELSE 0.0 END
            + CASE WHEN a.personally THEN 10.0 ELSE 0.0 END
            + least(5.0, 2.5 * (a.contacts - 1))) AS score,
       printf('%s 与 %s 违规交往 %d 次（%s%s）', o.name, e.name, a.contacts, a.kinds,
              CASE WHEN a.value > 0 THEN printf('，计 %.2f 元', a.value) ELSE '' END)
       || CASE WHEN a.during_pending THEN '，其间该企业事项正在办理' WHEN n.application_id IS NOT NULL THEN '，此前为其办理事项' ELSE '' END
           AS summary,
       [a.official_id] AS official_id,
       [a.enterprise_uscc] AS enterprise_uscc,
       n.application_id, n.department_code,
       ev.evidence
FROM alerts AS a
JOIN officials AS o ON o.official_id = a.official_id
JOIN enterprise_names AS e ON e.uscc = a.enterprise_uscc
JOIN evidence AS ev ON ev.official_id = a.official_id AND ev.enterprise_uscc = a.enterprise_uscc
LEFT JOIN names AS n ON n.official_id = a.official_id AND n.enterprise_uscc = a.enterprise_uscc
