-- A firm set up for the tender (为投标而设立的公司 / 突击成立): the winner was registered shortly before
-- the tender ($max_age_days before publication, or after it but before its bid) with little registered
-- capital against the contract (below $capital_share of the amount won, or below $min_capital), on a
-- contract of at least $min_amount. A firm with no record and no means that wins a multi-million
-- contract was made to receive it — typically for someone close to the buyer, or as a front for a
-- firm that may not bid. The evidence names the firm's legal representative, officers and
-- shareholders on the publication day, and, when the firm is held (directly or through other firms,
-- `kin_firms`) by an official posted at the buyer or a unit above it, or by his declared relative, that
-- chain. One alert per firm over its qualifying wins.
WITH wins AS (
    SELECT b.tender_id, b.bidder_uscc, CAST(coalesce(b.amount, b.budget) AS DOUBLE) AS amount, b.title,
           b.buyer_department_code, b.published, b.awarded, b.bid_day
    FROM bid_contacts AS b
    WHERE b.winner AND NOT b.disqualified
),
shells AS (
    SELECT w.*, e.name, CAST(e.registered_capital AS DOUBLE) AS capital, e.established_date AS established,
           e.legal_rep_name, e.legal_rep_id, date_diff('day', e.established_date, w.published) AS age_days
    FROM wins AS w
    JOIN enterprises AS e ON e.uscc = w.bidder_uscc
    WHERE e.established_date IS NOT NULL AND e.registered_capital IS NOT NULL
      AND e.established_date <= w.bid_day AND e.established_date >= w.published - INTERVAL $max_age_days DAY
      AND w.amount >= $min_amount
      AND (e.registered_capital < $capital_share * w.amount OR e.registered_capital < $min_capital)
),
firms AS (
    SELECT bidder_uscc AS uscc, count(*) AS wins, sum(amount) AS won, min(age_days) AS min_age,
           min(capital / amount) AS min_ratio, min(published) AS first_day,
           list_sort(array_agg(DISTINCT tender_id)) AS tender_id,
           list_sort(array_agg(DISTINCT buyer_department_code)) AS department_code
    FROM shells
    GROUP BY bidder_uscc
),
kin_links AS (  -- held by an official of the buyer (posted at it or a unit above it) or his declared relative
    SELECT s.bidder_uscc AS uscc, k.official_id, k.effective_share,
           list_append(k.path, {'subject': 'official:' || k.official_id, 'subject_label': k.official_name,
                                'relation': 'posted_in', 'object': 'department:' || s.buyer_department_code,
                                'object_label': coalesce(d.name, s.buyer_department_code),
                                'detail': p.title || CASE WHEN p.department_code <> s.buyer_department_code
                                                          THEN '（' || coalesce(pd.name, p.department_code) || '，采购单位的上级）' ELSE '' END
                                          || '；任职自 ' || strftime(p.start_date, '%Y-%m-%d') || '；采购单位招标 ' || s.tender_id}) AS path
    FROM shells AS s
    JOIN kin_firms AS k ON k.enterprise_uscc = s.bidder_uscc
    JOIN unit_tree AS u ON u.department_code = s.buyer_department_code
    JOIN posts AS p ON p.official_id = k.official_id AND p.department_code = u.ancestor_code
                   AND p.start_date <= s.published AND (p.end_date IS NULL OR p.end_date >= s.published)
    LEFT JOIN departments AS d ON d.code = s.buyer_department_code
    LEFT JOIN departments AS pd ON pd.code = p.department_code
),
kin AS (
    SELECT uscc, list_sort(array_agg(DISTINCT official_id)) AS official_id,
           max_by(path, printf('%.9f', effective_share) || official_id || array_to_string(list_transform(path, lambda f: f.detail), '|')) AS path
    FROM kin_links
    GROUP BY uscc
),
facts AS (
    SELECT s.bidder_uscc AS uscc, '1' || strftime(s.published, '%Y-%m-%d') || s.tender_id AS k,
           {'subject': 'enterprise:' || s.bidder_uscc, 'subject_label': s.name, 'relation': 'won',
            'object': 'tender:' || s.tender_id, 'object_label': s.title,
            'detail': '成立于 ' || strftime(s.established, '%Y-%m-%d')
                      || CASE WHEN s.age_days >= 0 THEN '，招标公告前 ' || CAST(s.age_days AS VARCHAR) || ' 天'
                              ELSE '，招标公告后 ' || CAST(-s.age_days AS VARCHAR) || ' 天' END
                      || '；注册资本 ' || printf('%.2f', s.capital / 10000.0) || ' 万元，为中标金额 '
                      || printf('%.2f', s.amount / 10000.0) || ' 万元的 '
                      || printf('%.1f', CAST(floor(1000.0 * s.capital / s.amount + 0.5) AS DOUBLE) / 10.0) || '%'
                      || '；采购单位 ' || coalesce(d.name, s.buyer_department_code)
                      || CASE WHEN s.awarded IS NULL THEN '' ELSE '；定标 ' || strftime(s.awarded, '%Y-%m-%d') END} AS fact
    FROM shells AS s
    LEFT JOIN departments AS d ON d.code = s.buyer_department_code
    UNION ALL
    SELECT f.uscc, '2' AS k,
           {'subject': 'person:' || coalesce(e.legal_rep_id, e.legal_rep_name), 'subject_label': e.legal_rep_name,
            'relation': 'has_role', 'object': 'enterprise:' || f.uscc, 'object_label': e.name,
            'detail': 'legal_rep（工商登记法定代表人）'} AS fact
    FROM firms AS f
    JOIN enterprises AS e ON e.uscc = f.uscc
    WHERE e.legal_rep_name IS NOT NULL
    UNION ALL
    SELECT f.uscc, '3' || r.role || r.person_name || coalesce(r.person_id, '') AS k,
           {'subject': 'person:' || coalesce(r.person_id, r.person_name), 'subject_label': r.person_name,
            'relation': 'has_role', 'object': 'enterprise:' || f.uscc, 'object_label': e.name,
            'detail': r.role || CASE WHEN r.start_date IS NULL THEN '' ELSE '，登记自 ' || strftime(r.start_date, '%Y-%m-%d') END} AS fact
    FROM firms AS f
    JOIN roles AS r ON r.enterprise_uscc = f.uscc
    JOIN enterprises AS e ON e.uscc = f.uscc
    WHERE r.role IN ('director', 'supervisor', 'manager')
      AND (r.start_date IS NULL OR r.start_date <= $as_of) AND (r.end_date IS NULL OR r.end_date >= f.first_day)
    UNION ALL
    SELECT f.uscc, '4' || printf('%.6f', 1.0 - h.share_ratio) || h.holder_name || coalesce(h.holder_id, '') AS k,
           {'subject': CASE WHEN h.holder_type = 'enterprise' THEN 'enterprise:' ELSE 'person:' END || coalesce(h.holder_id, h.holder_name),
            'subject_label': h.holder_name, 'relation': 'holds', 'object': 'enterprise:' || f.uscc, 'object_label': e.name,
            'detail': printf('%.2f%%', CAST(h.share_ratio AS DOUBLE) * 100.0)
                      || CASE WHEN h.start_date IS NULL THEN '' ELSE '，自 ' || strftime(h.start_date, '%Y-%m-%d') END} AS fact
    FROM firms AS f
    JOIN holdings AS h ON h.enterprise_uscc = f.uscc
    JOIN enterprises AS e ON e.uscc = f.uscc
    WHERE (h.start_date IS NULL OR h.start_date <= $as_of) AND (h.end_date IS NULL OR h.end_date >= f.first_day)
),
evidence AS (
    SELECT uscc, list_transform(list_sort(array_agg({'k': k, 'f': fact})), lambda x: x.f) AS evidence
    FROM facts
    GROUP BY uscc
)
SELECT f.uscc AS alert_key,
       least(100.0, 45.0
            + 20.0 * greatest(0.0, 1.0 - CAST(greatest(f.min_age, 0) AS DOUBLE) / $max_age_days)
            + 15.0 * greatest(0.0, 1.0 - f.min_ratio / $capital_share)
            + 5.0 * least(2, f.wins - 1)
            + CASE WHEN k.uscc IS NOT NULL THEN 20.0 ELSE 0.0 END) AS score,
       e.name || CASE WHEN f.min_age >= 0 THEN ' 在招标公告前 ' || CAST(f.min_age AS VARCHAR) || ' 天成立'
                      ELSE ' 在招标公告后才成立' END || '即中标'
           || CASE WHEN f.wins > 1 THEN ' ' || CAST(f.wins AS VARCHAR) || ' 个项目' ELSE '' END
           || '，中标金额 ' || printf('%.2f', f.won / 10000.0) || ' 万元，注册资本仅 '
           || printf('%.2f', CAST(e.registered_capital AS DOUBLE) / 10000.0) || ' 万元'
           || CASE WHEN k.uscc IS NOT NULL THEN '；该企业由采购单位公职人员或其亲属持有' ELSE '' END AS summary,
       [f.uscc] AS enterprise_uscc,
       f.tender_id, f.department_code,
       k.official_id,
       CASE WHEN k.uscc IS NULL THEN ev.evidence ELSE list_concat(ev.evidence, k.path) END AS evidence
FROM firms AS f
JOIN enterprises AS e ON e.uscc = f.uscc
JOIN evidence AS ev ON ev.uscc = f.uscc
LEFT JOIN kin AS k ON k.uscc = f.uscc
