-- Money to a relative's firm: firms the official's unit regulates or serves pay a firm that the official
-- or a declared relative holds (directly or through up to $max_layers layers), lend to it, borrow from it
-- or subcontract to it — the micro-loan pattern of the Qujing report (the brother's loan company that
-- the mines needing police permits were steered to borrow from).
-- A counterparty "deals with the unit" when it has a matter decided by a unit at or below one of the
-- official's posts while he held it, won a tender such a unit bought, had a matter handled by the
-- official in person, or is a firm he is assigned to as liaison (包保). Flows of the last $years years
-- count; at least one of them must fall within the span of the posts (or liaisons) through which the
-- counterparty deals with him (from the first such period's start to the last one's end).
-- Flows and dealings are one relation with windows over it, not joins of one on the other: Spark plans
-- a CTE once per reader, and self-joins of deep CTEs overwhelm its analyser. Dealings are read only for
-- firms on the other side of some flow (`paid`): a pair without money never makes an alert, and a
-- province has a million matters and four million liaisons. Matters, awards, liaisons and flows come from
-- the kept `kin_matters`, `kin_awards`, `kin_liaisons` and `kin_flows` (supersets of what can count), so a
-- scan after an import of new matters reads a few thousand rows, not millions.
WITH kf AS (  -- one stake per official and firm: the largest share, then the shortest chain
    SELECT official_id, enterprise_uscc, max(official_name) AS official_name,
           max_by(kin_name, printf('%.9f', effective_share) || printf('%03d', 9 - layers) || kin_name || relation) AS kin_name,
           max_by(relation, printf('%.9f', effective_share) || printf('%03d', 9 - layers) || kin_name || relation) AS relation,
           max(effective_share) AS effective_share,
           max_by(path, printf('%.9f', effective_share) || printf('%03d', 9 - layers) || kin_name || relation) AS path
    FROM kin_firms
    WHERE layers <= $max_layers AND effective_share >= $min_effective_share
    GROUP BY official_id, enterprise_uscc
),
post_units AS (
    SELECT p.official_id, p.department_code AS post_unit, p.duties, p.start_date,
           coalesce(p.end_date, $as_of) AS end_date, u.department_code AS unit
    FROM posts AS p
    JOIN unit_tree AS u ON u.ancestor_code = p.department_code
    WHERE p.start_date <= $as_of AND p.official_id IN (SELECT official_id FROM kin_firms)
),
paid AS (  -- every firm on the other side of a counted flow (a superset): only their dealings can matter
    SELECT t.payer_id AS counterparty
    FROM kf AS k
    JOIN kin_flows AS t ON t.payee_id = k.enterprise_uscc
    WHERE list_contains($kinds, t.kind) AND t.date <= $as_of AND t.date > $as_of - INTERVAL $years YEAR
    UNION
    SELECT t.payee_id AS counterparty
    FROM kf AS k
    JOIN kin_flows AS t ON t.payer_id = k.enterprise_uscc
    WHERE t.kind = 'loan' AND t.date <= $as_of AND t.date > $as_of - INTERVAL $years YEAR
),
matters AS (
    SELECT a.application_id, a.enterprise_uscc, a.handler_official_id, s.department_code AS unit, s.name AS what,
           CAST(coalesce(a.completed_at, a.accepted_at, a.submitted_at) AS DATE) AS day
    FROM kin_matters AS a  -- the matters of kin firms and of the firms on the other side of their flows
    JOIN service_items AS s ON s.item_code = a.item_code
    WHERE a.status <> 'withdrawn'
      AND CAST(coalesce(a.completed_at, a.accepted_at, a.submitted_at) AS DATE) <= $as_of
      AND a.enterprise_uscc IN (SELECT counterparty FROM paid)
),
events AS (  -- money flows (with the kin firm) and dealings (without), one relation
    -- money from another firm to the kin firm: payments, transfers, subcontracts, loans
    SELECT k.official_id, k.enterprise_uscc AS firm, t.payer_id AS counterparty, 'flow' AS row_type,
           t.payer_id, t.payee_id, t.kind, t.amount, t.date AS day, CAST(NULL AS DATE) AS p_start,
           CAST(NULL AS DATE) AS p_end, CAST(NULL AS VARCHAR) AS ref, CAST(NULL AS VARCHAR) AS unit,
           CAST(NULL AS VARCHAR) AS what, CAST(NULL AS VARCHAR) AS post_unit, FALSE AS personally, FALSE AS via_power
    FROM kf AS k
    JOIN kin_flows AS t ON t.payee_id = k.enterprise_uscc
    JOIN enterprise_names AS e ON e.uscc = t.payer_id
    LEFT JOIN kf AS own ON own.official_id = k.official_id AND own.enterprise_uscc = t.payer_id
    WHERE list_contains($kinds, t.kind) AND t.date <= $as_of AND t.date > $as_of - INTERVAL $years YEAR
      AND t.payer_id <> k.enterprise_uscc AND own.enterprise_uscc IS NULL
    UNION ALL  -- loans from the kin firm to another firm
    SELECT k.official_id, k.enterprise_uscc AS firm, t.payee_id AS counterparty, 'flow' AS row_type,
           t.payer_id, t.payee_id, t.kind, t.amount, t.date AS day, CAST(NULL AS DATE) AS p_start,
           CAST(NULL AS DATE) AS p_end, CAST(NULL AS VARCHAR) AS ref, CAST(NULL AS VARCHAR) AS unit,
           CAST(NULL AS VARCHAR) AS what, CAST(NULL AS VARCHAR) AS post_unit, FALSE AS personally, FALSE AS via_power
    FROM kf AS k
    JOIN kin_flows AS t ON t.payer_id = k.enterprise_uscc
    JOIN enterprise_names AS e ON e.uscc = t.payee_id
    LEFT JOIN kf AS own ON own.official_id = k.official_id AND own.enterprise_uscc = t.payee_id
    WHERE t.kind = 'loan' AND t.date <= $as_of AND t.date > $as_of - INTERVAL $years YEAR
      AND t.payee_id <> k.enterprise_uscc AND own.enterprise_uscc IS NULL
    UNION ALL  -- matters decided by a unit at or below a post of the official while he held it
    SELECT pu.official_id, CAST(NULL AS VARCHAR) AS firm, m.enterprise_uscc AS counterparty, 'application' AS row_type,
           CAST(NULL AS VARCHAR) AS payer_id, CAST(NULL AS VARCHAR) AS payee_id, CAST(NULL AS VARCHAR) AS kind,
           CAST(NULL AS DOUBLE) AS amount, m.day, pu.start_date AS p_start, pu.end_date AS p_end,
           m.application_id AS ref, m.unit, m.what, pu.post_unit,
           coalesce(m.handler_official_id = pu.official_id, FALSE) AS personally, pw.duty IS NOT NULL AS via_power
    FROM matters AS m
    JOIN post_units AS pu ON pu.unit = m.unit AND m.day BETWEEN pu.start_date AND pu.end_date
    LEFT JOIN powers AS pw ON list_contains(pu.duties, pw.duty) AND m.what LIKE '%' || pw.item_keyword || '%'
    UNION ALL  -- matters the official handled in person, wherever
    SELECT m.handler_official_id AS official_id, CAST(NULL AS VARCHAR) AS firm, m.enterprise_uscc AS counterparty,
           'application' AS row_type, CAST(NULL AS VARCHAR) AS payer_id, CAST(NULL AS VARCHAR) AS payee_id,
           CAST(NULL AS VARCHAR) AS kind, CAST(NULL AS DOUBLE) AS amount, m.day, m.day AS p_start, m.day AS p_end,
           m.application_id AS ref, m.unit, m.what, m.unit AS post_unit, TRUE AS personally, FALSE AS via_power
    FROM matters AS m
    WHERE m.handler_official_id IN (SELECT official_id FROM kin_firms)
    UNION ALL  -- tenders bought by such a unit and won
    SELECT pu.official_id, CAST(NULL AS VARCHAR) AS firm, w.bidder_uscc AS counterparty, 'tender' AS row_type,
           CAST(NULL AS VARCHAR) AS payer_id, CAST(NULL AS VARCHAR) AS payee_id, CAST(NULL AS VARCHAR) AS kind,
           CAST(NULL AS DOUBLE) AS amount, CAST(coalesce(w.awarded_at, w.published_at) AS DATE) AS day,
           pu.start_date AS p_start, pu.end_date AS p_end, w.tender_id AS ref, w.buyer_department_code AS unit,
           w.title AS what, pu.post_unit, FALSE AS personally, FALSE AS via_power
    FROM kin_awards AS w  -- the tenders won by kin firms and by the firms on the other side of their flows
    JOIN post_units AS pu
      ON pu.unit = w.buyer_department_code
     AND CAST(coalesce(w.awarded_at, w.published_at) AS DATE) BETWEEN pu.start_date AND pu.end_date
    WHERE CAST(coalesce(w.awarded_at, w.published_at) AS DATE) <= $as_of
      AND w.bidder_uscc IN (SELECT counterparty FROM paid)
    UNION ALL  -- firms the official is assigned to as liaison
    SELECT l.official_id, CAST(NULL AS VARCHAR) AS firm, l.enterprise_uscc AS counterparty, 'liaison' AS row_type,
           CAST(NULL AS VARCHAR) AS payer_id, CAST(NULL AS VARCHAR) AS payee_id, CAST(NULL AS VARCHAR) AS kind,
           CAST(NULL AS DOUBLE) AS amount, l.start_date AS day, l.start_date AS p_start,
           coalesce(l.end_date, $as_of) AS p_end, CAST(NULL AS VARCHAR) AS ref, CAST(NULL AS VARCHAR) AS unit,
           l.role AS what, CAST(NULL AS VARCHAR) AS post_unit, TRUE AS personally, FALSE AS via_power
    FROM kin_liaisons AS l  -- the liaisons of officials in kin_firms
    WHERE l.start_date <= $as_of AND l.enterprise_uscc IN (SELECT counterparty FROM paid)
),
marked AS (  -- per official and counterparty: is there money, is there a dealing, their span, the kin firms paid
    SELECT ev.*,
           max(CASE WHEN ev.row_type = 'flow' THEN 1 ELSE 0 END) OVER (PARTITION BY ev.official_id, ev.counterparty) AS has_flow,
           max(CASE WHEN ev.row_type = 'flow' THEN 0 ELSE 1 END) OVER (PARTITION BY ev.official_id, ev.counterparty) AS has_dealing,
           min(ev.p_start) OVER (PARTITION BY ev.official_id, ev.counterparty) AS span_start,
           max(ev.p_end) OVER (PARTITION BY ev.official_id, ev.counterparty) AS span_end,
           list_distinct(array_agg(ev.firm) OVER (PARTITION BY ev.official_id, ev.counterparty)) AS firms
    FROM events AS ev
),
per_firm AS (  -- flows under their kin firm; each dealing copied to every kin firm its counterparty paid
    SELECT m.official_id, unnest(CASE WHEN m.row_type = 'flow' THEN [m.firm] ELSE m.firms END) AS kin_firm,
           m.counterparty, m.row_type, m.payer_id, m.payee_id, m.kind, m.amount, m.day, m.ref, m.unit, m.what,
           m.post_unit, m.personally, m.via_power,
           m.row_type = 'flow' AND m.day BETWEEN m.span_start AND m.span_end AS in_office
    FROM marked AS m
    WHERE m.has_flow = 1 AND m.has_dealing = 1
),
firm_marked AS (  -- a kin firm counts when at least one of its flows fell within the span
    SELECT p.*, max(CASE WHEN p.in_office THEN 1 ELSE 0 END) OVER (PARTITION BY p.official_id, p.kin_firm) AS firm_in_office
    FROM per_firm AS p
),
labels AS (  -- the names of the firms the facts name, looked up at once (a few hundred codes: by the index)
    SELECT uscc, name FROM enterprise_names
    WHERE uscc IN (SELECT counterparty FROM firm_marked UNION SELECT payer_id FROM firm_marked
                   UNION SELECT payee_id FROM firm_marked)
),
facts AS (  -- the flows of one direction and kind between two parties, or a counterparty's matters of one
            -- kind at one unit (a matter counts once), as one fact
    SELECT f.official_id, f.kin_firm, f.counterparty,
           CASE WHEN f.row_type = 'flow'
                THEN {'subject': 'enterprise:' || f.payer_id, 'subject_label': pe.name,
                      'relation': CASE f.kind WHEN 'loan' THEN 'lent_to' WHEN 'subcontract' THEN 'subcontracted_to'
                                              WHEN 'transfer' THEN 'transferred_to' ELSE 'paid' END,
                      'object': 'enterprise:' || f.payee_id, 'object_label': ye.name,
                      'detail': printf('%s ×%d, %.2f 万元, %s…%s; %d while in office', f.kind, count(*),
                                       sum(f.amount) / 10000.0, strftime(min(f.day), '%Y-%m-%d'),
                                       strftime(max(f.day), '%Y-%m-%d'), sum(CASE WHEN f.in_office THEN 1 ELSE 0 END))}
                WHEN f.row_type = 'liaison'
                THEN {'subject': 'official:' || f.official_id, 'subject_label': o.name, 'relation': 'liaises_with',
                      'object': 'enterprise:' || f.counterparty, 'object_label': ce.name,
                      'detail': f.what || ' since ' || strftime(min(f.day), '%Y-%m-%d')}
                ELSE {'subject': 'department:' || f.unit, 'subject_label': coalesce(dp.name, f.unit),
                      'relation': CASE WHEN f.row_type = 'tender' THEN 'awarded' ELSE 'decided' END,
                      'object': 'enterprise:' || f.counterparty, 'object_label': ce.name,
                      'detail': printf('%s ×%d, %s…%s', f.what, count(DISTINCT f.ref), strftime(min(f.day), '%Y-%m-%d'),
                                       strftime(max(f.day), '%Y-%m-%d'))
                                || CASE WHEN bool_or(f.personally)
                                        THEN printf('; handled by the official ×%d', count(DISTINCT CASE WHEN f.personally THEN f.ref END))
                                        ELSE '' END
                                || CASE WHEN bool_or(f.via_power) THEN '; needs a power of the post' ELSE '' END}
           END AS fact,
           f.counterparty || CASE WHEN f.row_type = 'flow' THEN '|1|' ELSE '|2|' || f.row_type END
               || strftime(min(f.day), '%Y-%m-%d') || coalesce(f.payer_id, '') || coalesce(f.kind, '')
               || coalesce(f.unit, '') || coalesce(f.what, '') AS sort_key,
           sum(CASE WHEN f.row_type = 'flow' THEN 1 ELSE 0 END) AS flows,
           sum(coalesce(f.amount, 0.0)) AS amount, bool_or(coalesce(f.kind = 'loan', FALSE)) AS loan,
           bool_or(f.row_type <> 'flow' AND (f.personally OR f.via_power)) AS close_tie,
           list_sort(array_agg(DISTINCT CASE WHEN f.row_type = 'application' THEN f.ref END)) AS applications,
           list_sort(array_agg(DISTINCT CASE WHEN f.row_type = 'tender' THEN f.ref END)) AS tenders,
           list_sort(array_agg(DISTINCT f.post_unit)) AS post_units
    FROM firm_marked AS f
    JOIN officials AS o ON o.official_id = f.official_id
    JOIN labels AS ce ON ce.uscc = f.counterparty
    LEFT JOIN labels AS pe ON pe.uscc = f.payer_id
    LEFT JOIN labels AS ye ON ye.uscc = f.payee_id
    LEFT JOIN departments AS dp ON dp.code = f.unit
    WHERE f.firm_in_office = 1
    GROUP BY f.official_id, f.kin_firm, f.counterparty, f.row_type, f.payer_id, f.payee_id, f.kind, f.unit, f.what,
             o.name, ce.name, pe.name, ye.name, dp.name
),
alerts AS (  -- per counterparty: the money, then its dealings with the unit
    SELECT official_id, kin_firm AS firm, count(DISTINCT counterparty) AS counterparties, sum(flows) AS flows,
           sum(amount) AS amount, bool_or(loan) AS loan, bool_or(close_tie) AS close_tie,
           list_sort(array_agg(DISTINCT counterparty)) AS counterparty_list,
           list_sort(list_distinct(flatten(array_agg(list_filter(applications, lambda x: x IS NOT NULL))))) AS application_id,
           list_sort(list_distinct(flatten(array_agg(list_filter(tenders, lambda x: x IS NOT NULL))))) AS tender_id,
           list_sort(list_distinct(flatten(array_agg(list_filter(post_units, lambda x: x IS NOT NULL))))) AS department_code,
           list_transform(list_sort(array_agg({'k': sort_key, 'f': fact})), lambda y: y.f) AS facts
    FROM facts
    GROUP BY official_id, kin_firm
)
SELECT a.official_id || '|' || a.firm AS alert_key,
       least(100.0, 40.0
            + 5.0 * least(4, a.counterparties)
            + 15.0 * least(1.0, a.amount / $large_amount)
            + CASE WHEN a.loan THEN 10.0 ELSE 0.0 END
            + CASE WHEN a.close_tie THEN 10.0 ELSE 0.0 END
            + CASE WHEN k.effective_share >= 0.5 THEN 5.0 ELSE 0.0 END) AS score,
       printf('%s（%s%s）关联企业 %s 与本单位监管服务的 %d 家企业资金往来 %d 笔，计 %.2f 万元%s',
              k.official_name,
              CASE k.relation WHEN 'self' THEN '本人' WHEN 'spouse' THEN '配偶' WHEN 'child' THEN '子女'
                              WHEN 'parent' THEN '父母' WHEN 'sibling' THEN '兄弟姐妹' WHEN 'child_spouse' THEN '子女配偶'
                              WHEN 'sibling_spouse' THEN '兄弟姐妹配偶' WHEN 'parent_in_law' THEN '配偶父母'
                              ELSE '其他亲属' END,
              CASE WHEN k.relation = 'self' THEN '' ELSE ' ' || k.kin_name END,
              e.name, a.counterparties, a.flows, a.amount / 10000.0,
              CASE WHEN a.loan THEN '（含借贷）' ELSE '' END) AS summary,
       [a.official_id] AS official_id,
       list_distinct(list_concat(list_concat([a.firm],
           list_transform(list_filter(k.path, lambda f: f.object LIKE 'enterprise:%'), lambda f: substr(f.object, 12))),
           a.counterparty_list)) AS enterprise_uscc,
       a.application_id, a.tender_id, a.department_code,
       list_concat(k.path, a.facts) AS evidence
FROM alerts AS a
JOIN kf AS k ON k.official_id = a.official_id AND k.enterprise_uscc = a.firm
JOIN enterprise_names AS e ON e.uscc = a.firm
