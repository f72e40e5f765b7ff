-- Sent back again and again (来回跑): a handler returns matters for more material ($min_returns times or
-- more before acceptance) far more often than the other handlers of the same item. Per handler × item:
-- k such matters of n (withdrawn ones count: a firm that gave up after being sent back is the point),
-- against the other handlers' rate on the same item, shrunk towards the city-wide rate (weight
-- $prior_weight matters) — so an item returned often for everyone weighs less. One-sided binomial
-- likelihood-ratio test (signed root, normal tail by Abramowitz–Stegun 7.1.26) and Benjamini–Hochberg q
-- across every handler × item with at least $min_apps matters.
WITH apps AS (  -- the matters themselves, returned twice or more (returned_matters; min_returns is at least
               -- 2): read on only for the alerts' evidence
    SELECT a.application_id, a.item_code, a.enterprise_uscc, a.handler_official_id AS handler, a.status,
           coalesce(a.returns, 0) AS returns, coalesce(a.returns, 0) >= $min_returns AS repeated,
           CAST(a.submitted_at AS DATE) AS submitted, CAST(a.accepted_at AS DATE) AS accepted,
           CAST(a.completed_at AS DATE) AS completed,
           s.department_code AS unit, s.name AS item_name
    FROM returned_matters AS a
    JOIN service_items AS s ON s.item_code = a.item_code
    WHERE CAST(a.submitted_at AS DATE) <= $as_of
),
repeats AS (  -- the kept counts of matters sent back twice or more (return_counts), per handler × item
    SELECT c.handler_official_id AS handler, c.item_code,
           sum(CASE WHEN c.returns >= $min_returns THEN c.n ELSE 0 END) AS k,
           sum(CASE WHEN c.returns >= $min_returns AND c.status = 'withdrawn' THEN c.n ELSE 0 END) AS k_withdrawn,
           sum(CASE WHEN c.returns >= $min_returns AND c.status IN ('submitted', 'returned') THEN c.n ELSE 0 END)
               AS k_open
    FROM return_counts AS c
    GROUP BY c.handler_official_id, c.item_code
),
tallies AS (  -- the kept totals per handler × item (return_totals) with those counts; matters without a
             -- handler make the group whose handler is NULL (they count in the city-wide rate, not as anyone's)
    SELECT t.handler_official_id AS handler, t.item_code, t.n, coalesce(r.k, 0) AS k,
           coalesce(r.k_withdrawn, 0) AS k_withdrawn, coalesce(r.k_open, 0) AS k_open, t.all_returns,
           t.most_returns
    FROM return_totals AS t
    LEFT JOIN repeats AS r ON r.handler IS NOT DISTINCT FROM t.handler_official_id AND r.item_code = t.item_code
),
city AS (
    SELECT CAST(sum(k) AS DOUBLE) / sum(n) AS prior FROM tallies
),
groups AS (
    SELECT t.handler, t.item_code, s.department_code AS unit, s.name AS item_name, t.n, t.k, t.k_withdrawn,
           t.k_open, t.all_returns, t.most_returns
    FROM tallies AS t
    JOIN service_items AS s ON s.item_code = t.item_code
    WHERE t.handler IS NOT NULL
),
items AS (
    SELECT item_code, sum(n) AS n_item, sum(k) AS k_item, count(*) AS handlers FROM groups GROUP BY item_code
),
baselines AS (
    SELECT g.*, i.handlers - 1 AS peers, i.n_item - g.n AS peer_n, i.k_item - g.k AS peer_k, c.prior,
           CAST(g.k AS DOUBLE) / g.n AS share,
           least(0.999999, greatest(0.000001,
               (CAST(i.k_item - g.k AS DOUBLE) + $prior_weight * c.prior) / (CAST(i.n_item - g.n AS DOUBLE) + $prior_weight)))
               AS p0
    FROM groups AS g
    JOIN items AS i ON i.item_code = g.item_code
    CROSS JOIN city AS c
    WHERE g.n >= $min_apps
),
tested AS (
    SELECT b.*,
           CASE WHEN b.share > b.p0 THEN sqrt(greatest(0.0, 2.0 * (
               CASE WHEN b.k = 0 THEN 0.0 ELSE b.k * ln(b.k / (b.n * b.p0)) END
               + CASE WHEN b.k = b.n THEN 0.0 ELSE (b.n - b.k) * ln((b.n - b.k) / (b.n * (1.0 - b.p0))) END)))
                ELSE 0.0 END AS z
    FROM baselines AS b
),
tails AS (
    SELECT t.*, 1.0 / (1.0 + 0.3275911 * t.z / sqrt(2.0)) AS tt FROM tested AS t
),
pvalues AS (
    SELECT t.*,
           0.5 * t.tt * (0.254829592 + t.tt * (-0.284496736 + t.tt * (1.421413741 + t.tt * (-1.453152027
               + t.tt * 1.061405429)))) * exp(-t.z * t.z / 2.0) AS p
    FROM tails AS t
),
ranked AS (  -- m counts every test; only p ≤ $max_q is ranked: q ≥ p, so no other test reaches q ≤ $max_q,
            -- and these are the smallest p, so their ranks and running minimum are those among all m
    SELECT p.*, (SELECT count(*) FROM pvalues) AS m,
           row_number() OVER (ORDER BY p.p, p.handler, p.item_code) AS rk
    FROM pvalues AS p
    WHERE p.p <= $max_q
),
qvalues AS (
    SELECT r.*,
           least(1.0, min(r.p * r.m / r.rk) OVER (ORDER BY r.rk DESC ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW))
               AS q
    FROM ranked AS r
),
alerts AS (
    SELECT q.* FROM qvalues AS q
    WHERE q.k >= $min_count AND q.share >= $min_ratio * q.p0 AND q.q <= $max_q
),
returned AS (
    SELECT ap.handler, ap.item_code, ap.application_id, ap.enterprise_uscc,
           {'subject': 'official:' || ap.handler, 'subject_label': coalesce(o.name, ap.handler), 'relation': 'returned',
            'object': 'application:' || ap.application_id, 'object_label': coalesce(e.name, ap.enterprise_uscc),
            'detail': '退回补正 ' || CAST(ap.returns AS VARCHAR) || ' 次；提交 ' || CAST(ap.submitted AS VARCHAR)
                      || CASE WHEN ap.accepted IS NOT NULL THEN '，受理 ' || CAST(ap.accepted AS VARCHAR) ELSE '，未受理' END
                      || CASE WHEN ap.completed IS NOT NULL THEN '，办结 ' || CAST(ap.completed AS VARCHAR) ELSE '' END
                      || '；状态 ' || CASE ap.status WHEN 'submitted' THEN '已提交' WHEN 'accepted' THEN '已受理'
                                                      WHEN 'returned' THEN '退回补正中' WHEN 'completed' THEN '已办结'
                                                      WHEN 'rejected' THEN '不予办理' WHEN 'withdrawn' THEN '企业撤回'
                                                      ELSE ap.status END} AS fact,
           printf('%03d', 999 - ap.returns) || ap.application_id AS sort_key
    FROM apps AS ap
    JOIN alerts AS al ON al.handler = ap.handler AND al.item_code = ap.item_code
    LEFT JOIN officials AS o ON o.official_id = ap.handler
    LEFT JOIN enterprise_names AS e ON e.uscc = ap.enterprise_uscc
    WHERE ap.repeated
),
returned_lists AS (
    SELECT handler, item_code,
           list_transform(list_sort(array_agg({'k': sort_key, 'f': fact})), lambda x: x.f) AS facts,
           list_sort(array_agg(DISTINCT application_id)) AS application_id,
           list_sort(array_agg(DISTINCT enterprise_uscc)) AS enterprise_uscc
    FROM returned
    GROUP BY handler, item_code
)
SELECT al.handler || '|' || al.item_code AS alert_key,
       least(100.0, 30.0
            + 30.0 * least(1.0, greatest(0.0, log10(al.share / al.p0)) / 1.5)
            + 20.0 * least(1.0, CAST(al.k AS DOUBLE) / 12.0)
            + 10.0 * least(1.0, CAST(al.k_withdrawn + al.k_open AS DOUBLE) / 3.0)
            + 10.0 * least(1.0, -log10(greatest(al.q, 1e-12)) / 6.0)) AS score,
       coalesce(o.name, al.handler) || ' 经办「' || al.item_name || '」' || CAST(al.n AS VARCHAR) || ' 件，'
           || CAST(al.k AS VARCHAR) || ' 件被退回补正 ' || CAST($min_returns AS VARCHAR) || ' 次以上（'
           || printf('%d', CAST(floor(100.0 * al.share + 0.5) AS BIGINT)) || '%，同事项他人 ' || printf('%.1f', CAST(floor(10.0 * (100.0 * al.p0) + 0.5) AS DOUBLE) / 10.0) || '%）'
           AS summary,
       [al.handler] AS official_id,
       rl.enterprise_uscc,
       rl.application_id,
       [al.unit] AS department_code,
       list_concat([
           {'subject': 'official:' || al.handler, 'subject_label': coalesce(o.name, al.handler), 'relation': 'handled',
            'object': 'item:' || al.item_code, 'object_label': al.item_name,
            'detail': CAST(al.n AS VARCHAR) || ' 件，退回补正 ' || CAST($min_returns AS VARCHAR) || ' 次以上的 '
                      || CAST(al.k AS VARCHAR) || ' 件（' || printf('%.1f', CAST(floor(10.0 * (100.0 * al.share) + 0.5) AS DOUBLE) / 10.0) || '%），其中企业撤回 '
                      || CAST(al.k_withdrawn AS VARCHAR) || ' 件、仍在补正或待受理 ' || CAST(al.k_open AS VARCHAR)
                      || ' 件；最多一件退回 ' || CAST(al.most_returns AS VARCHAR) || ' 次'},
           {'subject': 'item:' || al.item_code, 'subject_label': al.item_name, 'relation': 'belongs_to',
            'object': 'department:' || al.unit, 'object_label': coalesce(d.name, al.unit),
            'detail': '同事项其他经办人 ' || CAST(al.peers AS VARCHAR) || ' 人共 ' || CAST(al.peer_n AS VARCHAR)
                      || ' 件，退回 ' || CAST($min_returns AS VARCHAR) || ' 次以上 ' || CAST(al.peer_k AS VARCHAR)
                      || ' 件；基线比例 ' || printf('%.2f', CAST(floor(100.0 * (100.0 * al.p0) + 0.5) AS DOUBLE) / 100.0) || '%（全市 ' || printf('%.2f', CAST(floor(100.0 * (100.0 * al.prior) + 0.5) AS DOUBLE) / 100.0)
                      || '% 作先验）；似然比 z=' || printf('%.2f', CAST(floor(100.0 * (al.z) + 0.5) AS DOUBLE) / 100.0) || '，p=' || printf('%.2e', al.p)
                      || '，BH q=' || printf('%.2e', al.q) || '（共检验 ' || CAST(al.m AS VARCHAR) || ' 组）'}],
           rl.facts) AS evidence
FROM alerts AS al
JOIN returned_lists AS rl ON rl.handler = al.handler AND rl.item_code = al.item_code
LEFT JOIN officials AS o ON o.official_id = al.handler
LEFT JOIN departments AS d ON d.code = al.unit
