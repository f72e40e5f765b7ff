-- Let it stall (拖着不办): a handler whose matters on one item run past the statutory time limit far more
-- often than the other handlers of the same item. Time is counted in working days (法定节假日 off, 调休
-- weekends on) from the submission date to the completion date, or to the scan date while still pending.
-- Withdrawn matters do not count. Per handler × item: k overdue of n, against the peers' overdue rate on
-- the same item (other handlers; shrunk towards the city rate of items with the same time limit, so an
-- item nobody else handles still has a baseline). One-sided binomial likelihood-ratio test, p from the
-- normal tail (Abramowitz–Stegun 7.1.26), Benjamini–Hochberg q across every handler × item tested.
WITH per_limit AS (  -- the city-wide overdue rate of items with the same time limit: the prior of every baseline
    SELECT time_limit, CAST(sum(k) AS DOUBLE) / sum(n) AS prior
    FROM overdue_groups
    GROUP BY time_limit
),
groups AS (  -- counted per handler × item in the kept relation overdue_groups
    SELECT * FROM overdue_groups WHERE handler IS NOT NULL
),
items AS (
    SELECT item_code, sum(n) AS n_item, sum(k) AS k_item, count(*) AS handlers
    FROM groups
    GROUP BY item_code
),
baselines AS (
    SELECT g.*, i.handlers - 1 AS peers, i.n_item - g.n AS peer_n, i.k_item - g.k AS peer_k, pl.prior,
           CAST(g.k AS DOUBLE) / g.n AS share,
           least(0.999999, greatest(0.000001,
               (CAST(i.k_item - g.k AS DOUBLE) + $prior_weight * pl.prior) / (CAST(i.n_item - g.n AS DOUBLE) + $prior_weight)))
               AS p0
    FROM groups AS g
    JOIN items AS i ON i.item_code = g.item_code
    JOIN per_limit AS pl ON pl.time_limit = g.time_limit
    WHERE g.n >= $min_apps
),
tested AS (  -- signed root of the binomial log-likelihood ratio against the baseline rate (one-sided: above it)
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
pvalues AS (  -- P(Z > z) = erfc(z / √2) / 2, erfc by Abramowitz–Stegun 7.1.26
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
qvalues AS (  -- Benjamini–Hochberg: running minimum of p·m/rank from the largest p down
    SELECT r.*,
           least(1.0, min(r.p * r.m / r.rk) OVER (ORDER BY r.rk DESC ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW))
               AS q
    FROM ranked AS r
),
alerts AS (
    SELECT q.* FROM qvalues AS q
    WHERE q.k >= $min_overdue AND q.share >= $min_share AND q.share >= $min_ratio * q.p0 AND q.q <= $max_q
),
overdue AS (  -- the overdue matters (the alerts' are read on)
    SELECT t.*,
           CASE t.status WHEN 'submitted' THEN '已提交待受理' WHEN 'accepted' THEN '已受理'
                         WHEN 'returned' THEN '退回补正中' WHEN 'completed' THEN '办结'
                         WHEN 'rejected' THEN '作出不予办理决定' ELSE t.status END AS status_zh
    FROM late_matters AS t  -- the matters of matter_times past their limit
),
late AS (  -- the overdue matters of the alerts, one fact each (the longest first)
    SELECT f.handler, f.item_code, f.application_id, f.enterprise_uscc,
           {'subject': 'official:' || f.handler, 'subject_label': coalesce(o.name, f.handler),
            'relation': CASE WHEN f.pending THEN 'pending_overdue' ELSE 'overdue' END,
            'object': 'application:' || f.application_id, 'object_label': coalesce(e.name, f.enterprise_uscc),
            'detail': '提交 ' || CAST(f.submitted AS VARCHAR)
                      || CASE WHEN f.pending THEN '，截至 ' || CAST($as_of AS VARCHAR) || ' 仍未办结（' || f.status_zh || '）'
                              ELSE '，' || CAST(f.completed AS VARCHAR) || ' ' || f.status_zh END
                      || '；用时 ' || CAST(f.used AS VARCHAR) || ' 个工作日（' || CAST(f.calendar_days AS VARCHAR)
                      || ' 个自然日），时限 ' || CAST(f.time_limit AS VARCHAR) || '，超 '
                      || CAST(f.used - f.time_limit AS VARCHAR)} AS fact,
           printf('%09d', 999999999 - f.used) || f.application_id AS sort_key
    FROM overdue AS f
    JOIN alerts AS al ON al.handler = f.handler AND al.item_code = f.item_code
    LEFT JOIN officials AS o ON o.official_id = f.handler
    LEFT JOIN enterprise_names AS e ON e.uscc = f.enterprise_uscc
),
late_lists AS (
    SELECT handler, item_code,
           list_transform(list_sort(array_agg({'k': sort_key, 'f': fact})), lambda x: x.f) AS facts,
           list_sort(array_agg(DISTINCT application_id)) AS application_id,
           list_sort(array_agg(DISTINCT enterprise_uscc)) AS enterprise_uscc
    FROM late
    GROUP BY handler, item_code
)
SELECT al.handler || '|' || al.item_code AS alert_key,
       least(100.0, 30.0
            + 25.0 * least(1.0, greatest(0.0, log10(al.share / al.p0)))
            + 20.0 * least(1.0, (CAST(al.k - al.k_pending AS DOUBLE) + $pending_weight * al.k_pending) / 20.0)
            + 15.0 * least(1.0, CAST(al.late_days AS DOUBLE) / greatest(al.time_limit, 1) / al.k)
            + 10.0 * least(1.0, -log10(greatest(al.q, 1e-12)) / 6.0)) AS score,
       coalesce(o.name, al.handler) || ' 经办「' || al.item_name || '」' || CAST(al.n AS VARCHAR) || ' 件，超时限 '
           || CAST(al.k AS VARCHAR) || ' 件（' || printf('%d', CAST(floor(100.0 * al.share + 0.5) AS BIGINT)) || '%，同事项他人 '
           || printf('%d', CAST(floor(100.0 * al.p0 + 0.5) AS BIGINT)) || '%）'
           || CASE WHEN al.k_pending > 0 THEN '，其中 ' || CAST(al.k_pending AS VARCHAR) || ' 件超期仍未办结' ELSE '' END
           AS summary,
       [al.handler] AS official_id,
       ll.enterprise_uscc,
       ll.application_id,
       [al.unit] AS department_code,
       list_concat([
           {'subject': 'official:' || al.handler, 'subject_label': coalesce(o.name, al.handler),
            'relation': 'handled', 'object': 'item:' || al.item_code, 'object_label': al.item_name,
            'detail': CAST(al.n AS VARCHAR) || ' 件（不含撤回），超过法定时限 ' || CAST(al.time_limit AS VARCHAR)
                      || ' 个工作日的 ' || CAST(al.k AS VARCHAR) || ' 件（' || printf('%.1f', CAST(floor(10.0 * (100.0 * al.share) + 0.5) AS DOUBLE) / 10.0)
                      || '%），其中仍未办结 ' || CAST(al.k_pending AS VARCHAR) || ' 件；最多超 '
                      || CAST(al.worst_excess AS VARCHAR) || ' 个工作日'},
           {'subject': 'item:' || al.item_code, 'subject_label': al.item_name, 'relation': 'belongs_to',
            'object': 'department:' || al.unit, 'object_label': coalesce(d.name, al.unit),
            'detail': '同事项其他经办人 ' || CAST(al.peers AS VARCHAR) || ' 人共 ' || CAST(al.peer_n AS VARCHAR)
                      || ' 件，超期 ' || CAST(al.peer_k AS VARCHAR) || ' 件；基线超期率 '
                      || printf('%.1f', CAST(floor(10.0 * (100.0 * al.p0) + 0.5) AS DOUBLE) / 10.0) || '%（同时限事项全市 ' || printf('%.1f', CAST(floor(10.0 * (100.0 * al.prior) + 0.5) AS DOUBLE) / 10.0)
                      || '% 作先验）；似然比 z=' || printf('%.2f', CAST(floor(100.0 * (al.z) + 0.5) AS DOUBLE) / 100.0) || '，p=' || printf('%.2e', al.p)
                      || '，BH q=' || printf('%.2e', al.q) || '（共检验 ' || CAST(al.m AS VARCHAR) || ' 组）'}],
           ll.facts) AS evidence
FROM alerts AS al
JOIN late_lists AS ll ON ll.handler = al.handler AND ll.item_code = al.item_code
LEFT JOIN officials AS o ON o.official_id = al.handler
LEFT JOIN departments AS d ON d.code = al.unit
