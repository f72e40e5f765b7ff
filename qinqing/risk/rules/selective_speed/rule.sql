-- Selective speed (厚此薄彼): for one handler and one item, some firms' matters are done in a few working
-- days while the other firms' matters wait or are sent back. Time = working days after the submission
-- date up to the decision (completed or rejected); a matter still pending counts only once it is past its
-- limit (with its time so far). Matters declared urgent with a documented reason (a document number,
-- `$document_pattern`) are left out of every test and listed apart; an "urgent" declaration without one
-- is an ordinary matter in the firm tests — and is judged on its own in the third test below.
-- Three rank tests on the same mid-ranks (average ranks for ties) within handler × item:
--   1. per firm with ≥ $min_firm matters against the handler's matters of the other firms (≥ $min_others):
--      Mann–Whitney U, normal approximation with tie and continuity corrections, two-sided p,
--      Benjamini–Hochberg q across every handler–firm pair tested;
--   2. per handler × item: Kruskal–Wallis H over the firms with ≥ $min_firm matters and the other firms
--      pooled, χ² tail by the Wilson–Hilferty normal transform, BH q across the handler × items tested.
--      With 3–5 matters a firm the normal approximation caps one firm's |z| near √(3n), so several
--      favoured firms of one handler show only in the joint test;
--   3. per handler × item: the matters declared urgent without a documented reason against the handler's
--      other matters (Mann–Whitney U as in 1, BH q across the handler × items with such matters):
--      an undocumented "urgent" that jumps the queue is the pretext of the Qujing audit case.
-- Normal tails: erfc by Abramowitz–Stegun 7.1.26. An alert needs at least one favoured firm: its own test
-- at p ≤ $name_p, faster, median ≤ $fast_ratio × the other firms' median, in a handler × item passing test
-- 1 or 2 at q ≤ $max_q; or its undocumented-urgent matters in a handler × item passing test 3 at q ≤ $max_q
-- with the urgent matters' median ≤ $fast_ratio × the other matters'. Firms slower at p ≤ $name_p with
-- median ≥ $slow_ratio × the others' are named in the same alert.
WITH live AS (  -- handler × items where a test can run at all, from the kept counts (speed_groups): a superset,
              -- since those counts ignore whether an urgent matter is documented; the tests below decide.
              -- The rank windows then sort a few thousand matters instead of every matter of a province.
    SELECT handler, item_code
    FROM speed_groups
    WHERE tested >= $min_firm + $min_others AND (most_of_one_firm >= $min_firm OR urgent >= $min_firm)
),
timed AS (
    SELECT m.*,
           m.urgent AND coalesce(regexp_matches(m.urgent_reason, $document_pattern), FALSE) AS documented
    FROM matter_times AS m
    JOIN live AS l ON l.handler = m.handler AND l.item_code = m.item_code
),
marked AS (  -- in the tests: decisions, and pending matters already past their limit; never documented urgency
    SELECT t.*, NOT t.documented AND (NOT t.pending OR t.used > t.time_limit) AS in_test,
           t.urgent AND NOT t.documented AS claimed,
           sum(CASE WHEN t.documented THEN 1 ELSE 0 END) OVER (PARTITION BY t.handler, t.item_code) AS n_documented
    FROM timed AS t
),
ranked AS (  -- mid-ranks within handler × item
    SELECT m.*,
           rank() OVER (PARTITION BY m.handler, m.item_code ORDER BY m.used)
               + CAST(count(*) OVER (PARTITION BY m.handler, m.item_code, m.used) - 1 AS DOUBLE) / 2.0 AS midrank,
           CAST(count(*) OVER (PARTITION BY m.handler, m.item_code, m.used) AS DOUBLE) AS tied,
           CAST(count(*) OVER (PARTITION BY m.handler, m.item_code) AS DOUBLE) AS nn
    FROM marked AS m
    WHERE m.in_test
),
claims AS (  -- the undocumented-urgent matters of the handler × item: how many, their rank sum
    SELECT r.*,
           CAST(sum(CASE WHEN r.claimed THEN 1 ELSE 0 END) OVER (PARTITION BY r.handler, r.item_code) AS DOUBLE) AS c1,
           sum(CASE WHEN r.claimed THEN r.midrank ELSE 0.0 END) OVER (PARTITION BY r.handler, r.item_code) AS c_rank_sum
    FROM ranked AS r
),
firms AS (
    SELECT handler, item_code, enterprise_uscc, CAST(count(*) AS DOUBLE) AS n1, sum(midrank) AS rank_sum,
           median(used) AS med, max(nn) AS nn, max(n_documented) AS n_documented, max(c1) AS c1,
           max(c_rank_sum) AS c_rank_sum,
           sum(tied * tied - 1.0) AS tie_part,  -- Σ over a tie group's rows of (t² − 1) = t³ − t
           sum(CASE WHEN claimed THEN 1 ELSE 0 END) AS undocumented_urgent
    FROM claims
    GROUP BY handler, item_code, enterprise_uscc
),
cells AS (  -- each firm with its handler × item's totals
    SELECT f.*, f.nn - f.n1 AS n2,
           f.n1 >= $min_firm AND f.nn - f.n1 >= $min_others AS tested,
           f.c1 >= $min_firm AND f.nn - f.c1 >= $min_others AS claim_tested,
           sum(f.tie_part) OVER (PARTITION BY f.handler, f.item_code) AS tie_sum,
           sum(CASE WHEN f.n1 >= $min_firm THEN f.rank_sum * f.rank_sum / f.n1 ELSE 0.0 END)
               OVER (PARTITION BY f.handler, f.item_code) AS kw_own,
           sum(CASE WHEN f.n1 < $min_firm THEN f.rank_sum ELSE 0.0 END) OVER (PARTITION BY f.handler, f.item_code)
               AS pooled_r,
           sum(CASE WHEN f.n1 < $min_firm THEN f.n1 ELSE 0.0 END) OVER (PARTITION BY f.handler, f.item_code)
               AS pooled_n,
           sum(CASE WHEN f.n1 >= $min_firm THEN 1 ELSE 0 END) OVER (PARTITION BY f.handler, f.item_code) AS own_groups,
           max(CASE WHEN f.n1 >= $min_firm AND f.nn - f.n1 >= $min_others THEN 1 ELSE 0 END)
               OVER (PARTITION BY f.handler, f.item_code) AS any_tested,
           row_number() OVER (PARTITION BY f.handler, f.item_code ORDER BY f.enterprise_uscc) = 1 AS cell_row
    FROM firms AS f
),
stats AS (
    SELECT c.*,
           -- Mann–Whitney: U − E[U] and its standard deviation with the tie correction (firm; urgent claims)
           c.rank_sum - c.n1 * (c.n1 + 1.0) / 2.0 - c.n1 * c.n2 / 2.0 AS u_dev,
           sqrt(greatest(0.0, c.n1 * c.n2 / 12.0 * ((c.nn + 1.0) - c.tie_sum / (c.nn * (c.nn - 1.0))))) AS u_sd,
           c.c_rank_sum - c.c1 * (c.c1 + 1.0) / 2.0 - c.c1 * (c.nn - c.c1) / 2.0 AS c_dev,
           sqrt(greatest(0.0, c.c1 * (c.nn - c.c1) / 12.0 * ((c.nn + 1.0) - c.tie_sum / (c.nn * (c.nn - 1.0))))) AS c_sd,
           -- Kruskal–Wallis: firms with enough matters as groups, the rest pooled; tie-corrected
           CAST(c.own_groups + CASE WHEN c.pooled_n > 0 THEN 1 ELSE 0 END - 1 AS DOUBLE) AS df,
           greatest(0.0, (12.0 / (c.nn * (c.nn + 1.0))
                          * (c.kw_own + CASE WHEN c.pooled_n > 0 THEN c.pooled_r * c.pooled_r / c.pooled_n ELSE 0.0 END)
                          - 3.0 * (c.nn + 1.0))
                         / greatest(1e-9, 1.0 - c.tie_sum / (c.nn * c.nn * c.nn - c.nn))) AS h
    FROM cells AS c
    WHERE c.any_tested = 1 OR c.claim_tested
),
zs AS (
    SELECT s.*,
           CASE WHEN s.tested AND s.u_sd > 0 THEN greatest(abs(s.u_dev) - 0.5, 0.0) / s.u_sd ELSE 0.0 END AS pair_z,
           CASE WHEN s.u_dev < 0 THEN -1 ELSE 1 END AS direction,
           CASE WHEN s.claim_tested AND s.c_sd > 0 THEN greatest(abs(s.c_dev) - 0.5, 0.0) / s.c_sd ELSE 0.0 END AS claim_z,
           -- Wilson–Hilferty: cbrt(H/df) is nearly normal with mean 1 − 2/(9 df), variance 2/(9 df)
           CASE WHEN s.any_tested = 1 AND s.df >= 1
                THEN (cbrt(s.h / s.df) - (1.0 - 2.0 / (9.0 * s.df))) / sqrt(2.0 / (9.0 * s.df))
                ELSE 0.0 END AS kw_z
    FROM stats AS s
),
tails AS (
    SELECT z.*, 1.0 / (1.0 + 0.3275911 * z.pair_z / sqrt(2.0)) AS t_pair,
           1.0 / (1.0 + 0.3275911 * z.claim_z / sqrt(2.0)) AS t_claim,
           1.0 / (1.0 + 0.3275911 * abs(z.kw_z) / sqrt(2.0)) AS t_kw
    FROM zs AS z
),
pvalues AS (  -- erfc(x) ≈ t(a1 + t(a2 + t(a3 + t(a4 + t a5)))) e^(−x²), t = 1/(1 + 0.3275911 x): A–S 7.1.26
    SELECT t.*,
           least(1.0, t.t_pair * (0.254829592 + t.t_pair * (-0.284496736 + t.t_pair * (1.421413741
               + t.t_pair * (-1.453152027 + t.t_pair * 1.061405429)))) * exp(-t.pair_z * t.pair_z / 2.0)) AS pair_p,
           least(1.0, t.t_claim * (0.254829592 + t.t_claim * (-0.284496736 + t.t_claim * (1.421413741
               + t.t_claim * (-1.453152027 + t.t_claim * 1.061405429)))) * exp(-t.claim_z * t.claim_z / 2.0)) AS claim_p,
           0.5 * t.t_kw * (0.254829592 + t.t_kw * (-0.284496736 + t.t_kw * (1.421413741
               + t.t_kw * (-1.453152027 + t.t_kw * 1.061405429)))) * exp(-t.kw_z * t.kw_z / 2.0) AS kw_tail
    FROM tails AS t
),
ranks AS (  -- BH ranks within each family: pairs tested; handler × items tested; handler × items with claims
    SELECT p.*, CASE WHEN p.kw_z > 0 THEN p.kw_tail ELSE 1.0 - p.kw_tail END AS kw_p,
           p.cell_row AND p.any_tested = 1 AS kw_row,
           p.cell_row AND p.claim_tested AS claim_row,
           count(*) OVER (PARTITION BY p.tested) AS pair_m,
           row_number() OVER (PARTITION BY p.tested ORDER BY p.pair_p, p.handler, p.item_code, p.enterprise_uscc) AS pair_rk,
           count(*) OVER (PARTITION BY p.cell_row AND p.any_tested = 1) AS cell_m,
           row_number() OVER (PARTITION BY p.cell_row AND p.any_tested = 1
                              ORDER BY CASE WHEN p.kw_z > 0 THEN p.kw_tail ELSE 1.0 - p.kw_tail END, p.handler, p.item_code)
               AS cell_rk,
           count(*) OVER (PARTITION BY p.cell_row AND p.claim_tested) AS claim_m,
           row_number() OVER (PARTITION BY p.cell_row AND p.claim_tested ORDER BY p.claim_p, p.handler, p.item_code)
               AS claim_rk
    FROM pvalues AS p
),
qvalues AS (  -- Benjamini–Hochberg: running minimum of p·m/rank from the largest p down
    SELECT r.*,
           least(1.0, min(r.pair_p * r.pair_m / r.pair_rk)
                      OVER (PARTITION BY r.tested ORDER BY r.pair_rk DESC ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW))
               AS pair_q,
           least(1.0, min(r.kw_p * r.cell_m / r.cell_rk)
                      OVER (PARTITION BY r.kw_row ORDER BY r.cell_rk DESC ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW))
               AS kw_q_here,
           least(1.0, min(r.claim_p * r.claim_m / r.claim_rk)
                      OVER (PARTITION BY r.claim_row ORDER BY r.claim_rk DESC ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW))
               AS claim_q_here
    FROM ranks AS r
),
levels AS (  -- every level's q on every firm row of the handler × item
    SELECT q.*,
           max(CASE WHEN q.kw_row THEN q.kw_q_here END) OVER (PARTITION BY q.handler, q.item_code) AS kw_q,
           max(CASE WHEN q.claim_row THEN q.claim_q_here END) OVER (PARTITION BY q.handler, q.item_code) AS claim_q,
           min(CASE WHEN q.tested THEN q.pair_q END) OVER (PARTITION BY q.handler, q.item_code) AS best_pair_q,
           max(CASE WHEN q.kw_row THEN q.cell_m END) OVER (PARTITION BY q.handler, q.item_code) AS kw_m,
           max(CASE WHEN q.claim_row THEN q.claim_m END) OVER (PARTITION BY q.handler, q.item_code) AS claims_m
    FROM qvalues AS q
),
candidates AS (
    SELECT l.*,
           l.tested AND l.pair_p <= $name_p AND (l.kw_q <= $max_q OR l.best_pair_q <= $max_q) AS by_firm,
           l.undocumented_urgent > 0 AND l.claim_tested AND l.claim_q <= $max_q AND l.c_dev < 0 AS by_claim
    FROM levels AS l
    WHERE (l.tested AND l.pair_p <= $name_p AND (l.kw_q <= $max_q OR l.best_pair_q <= $max_q))
       OR (l.undocumented_urgent > 0 AND l.claim_tested AND l.claim_q <= $max_q AND l.c_dev < 0)
),
baseline AS (  -- medians of the comparison groups, for each candidate
    SELECT c.handler, c.item_code, c.enterprise_uscc,
           median(CASE WHEN m.enterprise_uscc <> c.enterprise_uscc THEN m.used END) AS base_med,
           median(CASE WHEN m.claimed THEN m.used END) AS claim_med,
           median(CASE WHEN NOT m.claimed THEN m.used END) AS plain_med
    FROM candidates AS c
    JOIN marked AS m ON m.handler = c.handler AND m.item_code = c.item_code
    WHERE m.in_test
    GROUP BY c.handler, c.item_code, c.enterprise_uscc
),
judged AS (
    SELECT c.*, b.base_med, b.claim_med, b.plain_med,
           (c.by_firm AND c.direction < 0 AND c.med <= $fast_ratio * b.base_med)
               OR (c.by_claim AND b.claim_med <= $fast_ratio * b.plain_med) AS is_favoured,
           c.by_firm AND c.direction > 0 AND c.med >= $slow_ratio * b.base_med AS is_slowed
    FROM candidates AS c
    JOIN baseline AS b ON b.handler = c.handler AND b.item_code = c.item_code AND b.enterprise_uscc = c.enterprise_uscc
),
named AS (
    SELECT j.*, CASE WHEN j.is_favoured THEN 'favoured' ELSE 'slowed' END AS side,
           sum(CASE WHEN j.is_favoured THEN 1 ELSE 0 END) OVER (PARTITION BY j.handler, j.item_code) AS favoured
    FROM judged AS j
    WHERE j.is_favoured OR j.is_slowed
),
alert_firms AS (  -- an alert needs a favoured firm
    SELECT n.*, coalesce(e.name, n.enterprise_uscc) AS firm_name, coalesce(o.name, n.handler) AS handler_name
    FROM named AS n
    LEFT JOIN enterprise_names AS e ON e.uscc = n.enterprise_uscc
    LEFT JOIN officials AS o ON o.official_id = n.handler
    WHERE n.favoured > 0
),
facts AS (
    SELECT f.handler, f.item_code, f.enterprise_uscc, CAST(NULL AS VARCHAR) AS application_id, f.side, f.med,
           CASE WHEN f.by_firm THEN f.base_med END AS base_med, f.undocumented_urgent, f.kw_q, f.best_pair_q, f.h,
           f.df, f.kw_p, f.kw_m, f.nn, f.n_documented, f.handler_name, f.claim_tested, f.c1, f.c_dev, f.claim_z,
           f.claim_p, f.claim_q, f.claims_m, f.claim_med, f.plain_med,
           CASE WHEN f.side = 'favoured' THEN '1' ELSE '2' END || f.enterprise_uscc || '0' AS sort_key,
           {'subject': 'official:' || f.handler, 'subject_label': f.handler_name,
            'relation': CASE WHEN f.side = 'favoured' THEN 'served_faster' ELSE 'served_slower' END,
            'object': 'enterprise:' || f.enterprise_uscc, 'object_label': f.firm_name,
            'detail': '本企业 n=' || CAST(CAST(f.n1 AS BIGINT) AS VARCHAR) || '，中位 ' || printf('%.1f', f.med)
                      || ' 个工作日；该经办人同事项其他企业 n=' || CAST(CAST(f.n2 AS BIGINT) AS VARCHAR)
                      || CASE WHEN f.tested
                              THEN '，中位 ' || printf('%.1f', f.base_med) || ' 个工作日；Mann–Whitney U='
                                   || printf('%.1f', f.u_dev + f.n1 * f.n2 / 2.0) || '，z='
                                   || printf('%.2f', CAST(floor(100.0 * (f.direction * f.pair_z) + 0.5) AS DOUBLE) / 100.0)
                                   || '，p=' || printf('%.2e', f.pair_p) || '，BH q=' || printf('%.2e', f.pair_q)
                                   || '（共检验 ' || CAST(f.pair_m AS VARCHAR) || ' 对）'
                              ELSE '（本企业件数不足，未单独检验）' END
                      || CASE WHEN f.undocumented_urgent > 0
                              THEN '；其中 ' || CAST(f.undocumented_urgent AS VARCHAR) || ' 件申报加急但理由无文号'
                              ELSE '' END} AS fact
    FROM alert_firms AS f
    UNION ALL
    SELECT f.handler, f.item_code, f.enterprise_uscc, t.application_id, CAST(NULL AS VARCHAR) AS side,
           CAST(NULL AS DOUBLE) AS med, CAST(NULL AS DOUBLE) AS base_med, CAST(NULL AS BIGINT) AS undocumented_urgent,
           CAST(NULL AS DOUBLE) AS kw_q, CAST(NULL AS DOUBLE) AS best_pair_q, CAST(NULL AS DOUBLE) AS h,
           CAST(NULL AS DOUBLE) AS df, CAST(NULL AS DOUBLE) AS kw_p, CAST(NULL AS BIGINT) AS kw_m,
           CAST(NULL AS DOUBLE) AS nn, CAST(NULL AS BIGINT) AS n_documented, CAST(NULL AS VARCHAR) AS handler_name,
           CAST(NULL AS BOOLEAN) AS claim_tested, CAST(NULL AS DOUBLE) AS c1, CAST(NULL AS DOUBLE) AS c_dev,
           CAST(NULL AS DOUBLE) AS claim_z, CAST(NULL AS DOUBLE) AS claim_p, CAST(NULL AS DOUBLE) AS claim_q,
           CAST(NULL AS BIGINT) AS claims_m, CAST(NULL AS DOUBLE) AS claim_med, CAST(NULL AS DOUBLE) AS plain_med,
           CASE WHEN f.side = 'favoured' THEN '1' ELSE '2' END || f.enterprise_uscc || '1' || t.application_id AS sort_key,
           {'subject': 'official:' || f.handler, 'subject_label': f.handler_name,
            'relation': CASE WHEN t.documented THEN 'urgent_documented'
                             WHEN f.side = 'favoured' THEN 'fast_tracked'
                             WHEN t.returns > 0 THEN 'returned' ELSE 'delayed' END,
            'object': 'application:' || t.application_id, 'object_label': f.firm_name,
            'detail': '提交 ' || CAST(t.submitted AS VARCHAR)
                      || CASE WHEN t.pending THEN '，截至 ' || CAST($as_of AS VARCHAR) || ' 未办结'
                              ELSE '，' || CAST(t.completed AS VARCHAR) || ' 办结' END
                      || '；用时 ' || CAST(t.used AS VARCHAR) || ' 个工作日（时限 ' || CAST(t.time_limit AS VARCHAR) || '）'
                      || CASE WHEN t.returns > 0 THEN '；退回补正 ' || CAST(t.returns AS VARCHAR) || ' 次' ELSE '' END
                      || CASE WHEN t.documented THEN '；有文号的加急，不参与检验：' || t.urgent_reason
                              WHEN t.urgent THEN '；申报加急，理由无文号：' || coalesce(t.urgent_reason, '（空）')
                              ELSE '' END} AS fact
    FROM alert_firms AS f
    JOIN timed AS t ON t.handler = f.handler AND t.item_code = f.item_code AND t.enterprise_uscc = f.enterprise_uscc
),
alerts AS (
    SELECT handler, item_code,
           list_transform(list_sort(array_agg({'k': sort_key, 'f': fact})), lambda x: x.f) AS facts,
           list_sort(array_agg(DISTINCT enterprise_uscc)) AS enterprise_uscc,
           list_sort(array_agg(DISTINCT application_id) FILTER (WHERE application_id IS NOT NULL)) AS application_id,
           max(handler_name) AS handler_name,
           sum(CASE WHEN side = 'favoured' THEN 1 ELSE 0 END) AS favoured,
           sum(CASE WHEN side = 'slowed' THEN 1 ELSE 0 END) AS slowed,
           sum(CASE WHEN side = 'favoured' THEN undocumented_urgent ELSE 0 END) AS favoured_undocumented,
           array_to_string(list_sort(array_agg(printf('%.1f', med)) FILTER (WHERE side = 'favoured')), '/') AS favoured_meds,
           array_to_string(list_sort(array_agg(printf('%.1f', med)) FILTER (WHERE side = 'slowed')), '/') AS slowed_meds,
           min(base_med) AS base_lo, max(base_med) AS base_hi,
           max(kw_q) AS kw_q, max(best_pair_q) AS best_pair_q, max(h) AS h, max(df) AS df, max(kw_p) AS kw_p,
           max(kw_m) AS kw_m, max(nn) AS nn, max(n_documented) AS n_documented,
           bool_or(claim_tested) AS claim_tested, max(c1) AS c1, max(c_dev) AS c_dev, max(claim_z) AS claim_z,
           max(claim_p) AS claim_p, max(claim_q) AS claim_q, max(claims_m) AS claims_m, max(claim_med) AS claim_med,
           max(plain_med) AS plain_med
    FROM facts
    GROUP BY handler, item_code
)
SELECT a.handler || '|' || a.item_code AS alert_key,
       least(100.0, 35.0 + 25.0 * least(1.0, -log10(greatest(least(coalesce(a.kw_q, 1.0), coalesce(a.best_pair_q, 1.0),
                                                                      coalesce(a.claim_q, 1.0)), 1e-12)) / 6.0)
            + 8.0 * least(3.0, CAST(a.favoured AS DOUBLE)) + CASE WHEN a.slowed > 0 THEN 8.0 ELSE 0.0 END
            + CASE WHEN a.favoured_undocumented > 0 THEN 8.0 ELSE 0.0 END) AS score,
       a.handler_name || ' 办理「' || s.name || '」：' || CAST(a.favoured AS VARCHAR)
           || ' 家企业明显更快（中位 ' || a.favoured_meds || ' 个工作日'
           || CASE WHEN a.base_lo IS NOT NULL
                   THEN '，其他企业 ' || printf('%.1f', a.base_lo)
                        || CASE WHEN a.base_hi > a.base_lo THEN '–' || printf('%.1f', a.base_hi) ELSE '' END
                   ELSE '' END || '）'
           || CASE WHEN a.claim_q <= $max_q AND a.c_dev < 0
                   THEN '；无文号“加急” ' || CAST(CAST(a.c1 AS BIGINT) AS VARCHAR) || ' 件中位 ' || printf('%.1f', a.claim_med)
                        || '，其余 ' || printf('%.1f', a.plain_med)
                   ELSE '' END
           || CASE WHEN a.slowed > 0 THEN '，' || CAST(a.slowed AS VARCHAR) || ' 家明显更慢（中位 ' || a.slowed_meds || '）'
                   ELSE '' END AS summary,
       [a.handler] AS official_id,
       a.enterprise_uscc,
       a.application_id,
       [s.department_code] AS department_code,
       list_concat(list_filter([
           {'subject': 'official:' || a.handler, 'subject_label': a.handler_name, 'relation': 'handled',
            'object': 'item:' || a.item_code, 'object_label': s.name,
            'detail': '参与检验 ' || CAST(CAST(a.nn AS BIGINT) AS VARCHAR) || ' 件（已办结，及超时限仍未办结者；时限 '
                      || CAST(s.time_limit_days AS VARCHAR) || ' 个工作日）；有文号的加急 '
                      || CAST(a.n_documented AS VARCHAR) || ' 件另列、不参与检验；Kruskal–Wallis H='
                      || printf('%.1f', CAST(floor(10.0 * coalesce(a.h, 0.0) + 0.5) AS DOUBLE) / 10.0) || '（df='
                      || CAST(CAST(coalesce(a.df, 0.0) AS BIGINT) AS VARCHAR) || '），p=' || printf('%.2e', coalesce(a.kw_p, 1.0))
                      || '，BH q=' || printf('%.2e', coalesce(a.kw_q, 1.0)) || '（共检验 ' || CAST(coalesce(a.kw_m, 0) AS VARCHAR)
                      || ' 组经办人×事项）；企业两两检验最小 BH q=' || printf('%.2e', coalesce(a.best_pair_q, 1.0))},
           {'subject': 'official:' || a.handler, 'subject_label': a.handler_name,
            'relation': CASE WHEN coalesce(a.claim_tested, FALSE) THEN 'urgent_undocumented' ELSE '-' END,
            'object': 'item:' || a.item_code, 'object_label': s.name,
            'detail': '申报加急而理由无文号 ' || CAST(CAST(coalesce(a.c1, 0.0) AS BIGINT) AS VARCHAR) || ' 件，中位 '
                      || printf('%.1f', coalesce(a.claim_med, 0.0)) || ' 个工作日；其余 '
                      || printf('%.1f', coalesce(a.plain_med, 0.0)) || ' 个工作日；Mann–Whitney z='
                      || printf('%.2f', CAST(floor(100.0 * (CASE WHEN a.c_dev < 0 THEN -1.0 ELSE 1.0 END * coalesce(a.claim_z, 0.0)) + 0.5) AS DOUBLE) / 100.0)
                      || '，p=' || printf('%.2e', coalesce(a.claim_p, 1.0)) || '，BH q=' || printf('%.2e', coalesce(a.claim_q, 1.0))
                      || '（共检验 ' || CAST(coalesce(a.claims_m, 0) AS VARCHAR) || ' 组）'},
           {'subject': 'item:' || a.item_code, 'subject_label': s.name, 'relation': 'belongs_to',
            'object': 'department:' || s.department_code, 'object_label': coalesce(d.name, s.department_code),
            'detail': '法定时限 ' || CAST(s.time_limit_days AS VARCHAR) || ' 个工作日'}],
           lambda x: x.relation <> '-'),
           a.facts) AS evidence
FROM alerts AS a
JOIN service_items AS s ON s.item_code = a.item_code
LEFT JOIN departments AS d ON d.code = s.department_code
