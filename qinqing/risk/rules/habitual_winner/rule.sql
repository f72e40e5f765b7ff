-- Habitual winner (标王): one firm wins a buyer's tenders far more often than its competitors' number and
-- its own record elsewhere allow — the buyer's officials steering awards to a favoured supplier (tailored
-- requirements, leaked prices, scoring bent its way), the pattern the discipline big-data platforms flag.
-- Per firm × buyer with ≥ $min_bids valid bids on awarded, contested tenders (view awarded_bids):
--   its fair expectation here E = Σ chance (winners / valid bids of each tender);
--   its strength elsewhere ρ = (wins + $prior_wins) / (E + $prior_wins) over its bids at other buyers
--   in the same tender sectors (a firm with no record elsewhere counts as fair, ρ = 1);
--   the chance of winning at least its wins here: binomial upper tail with n = its bids here and
--   p = min($max_p, ρ·E/n) — by Hoeffding (1956) the binomial with the same mean bounds the tail of the
--   true Poisson-binomial beyond the mean + 1, so the p-value is conservative;
--   Benjamini–Hochberg q across every firm × buyer pair tested.
-- Alert (one per buyer × firm): q ≤ $max_q, ≥ $min_wins wins and ≥ $min_share of the buyer's awards.
WITH here AS (
    SELECT buyer, bidder_uscc AS firm, count(*) AS n_here, sum(CASE WHEN won THEN 1 ELSE 0 END) AS w_here,
           sum(chance) AS e_here, sum(CASE WHEN won THEN coalesce(amount, 0.0) ELSE 0.0 END) AS amount_here,
           min(CASE WHEN won THEN award_day END) AS first_win, max(CASE WHEN won THEN award_day END) AS last_win
    FROM awarded_bids
    GROUP BY buyer, bidder_uscc
),
firm_sectors AS (
    SELECT DISTINCT buyer, bidder_uscc AS firm, coalesce(sector, '') AS sector FROM awarded_bids
),
elsewhere AS (  -- the firm's bids at other buyers in the sectors it bid in here
    SELECT fs.buyer, fs.firm, count(*) AS n_else, sum(CASE WHEN ab.won THEN 1 ELSE 0 END) AS w_else,
           sum(ab.chance) AS e_else, count(DISTINCT ab.buyer) AS buyers_else
    FROM firm_sectors AS fs
    JOIN awarded_bids AS ab ON ab.bidder_uscc = fs.firm AND coalesce(ab.sector, '') = fs.sector AND ab.buyer <> fs.buyer
    GROUP BY fs.buyer, fs.firm
),
buyer_totals AS (
    SELECT buyer, count(DISTINCT tender_id) AS tenders,
           sum(CASE WHEN won THEN coalesce(amount, 0.0) ELSE 0.0 END) AS awarded
    FROM awarded_bids
    GROUP BY buyer
),
tested AS (
    SELECT h.*, coalesce(x.n_else, 0) AS n_else, coalesce(x.w_else, 0) AS w_else, coalesce(x.e_else, 0.0) AS e_else,
           coalesce(x.buyers_else, 0) AS buyers_else, bt.tenders, bt.awarded,
           (coalesce(x.w_else, 0) + $prior_wins) / (coalesce(x.e_else, 0.0) + $prior_wins) AS rho,
           greatest(1e-9, least($max_p, (coalesce(x.w_else, 0) + $prior_wins) / (coalesce(x.e_else, 0.0) + $prior_wins)
                                        * h.e_here / h.n_here)) AS p0
    FROM here AS h
    JOIN buyer_totals AS bt ON bt.buyer = h.buyer
    LEFT JOIN elsewhere AS x ON x.buyer = h.buyer AND x.firm = h.firm
    WHERE h.n_here >= $min_bids
),
tails AS (  -- P(X ≥ wins), X ~ Binomial(n, p0): Σ C(n, j) p0^j (1 − p0)^(n − j) for j = wins … n
    SELECT t.buyer, t.firm,
           least(1.0, sum(exp(ln_n.lf - lj.lf - lk.lf + lj.j * ln(t.p0) + (t.n_here - lj.j) * ln(1.0 - t.p0)))) AS p
    FROM tested AS t
    JOIN log_factorials AS lj ON lj.j BETWEEN t.w_here AND t.n_here
    JOIN log_factorials AS ln_n ON ln_n.j = t.n_here
    JOIN log_factorials AS lk ON lk.j = t.n_here - lj.j
    GROUP BY t.buyer, t.firm
),
ranked AS (
    SELECT t.*, coalesce(tl.p, 1.0) AS p,
           count(*) OVER () AS m,
           row_number() OVER (ORDER BY coalesce(tl.p, 1.0), t.buyer, t.firm) AS rk
    FROM tested AS t
    LEFT JOIN tails AS tl ON tl.buyer = t.buyer AND tl.firm = t.firm
),
qvalues AS (  -- Benjamini–Hochberg: running minimum of p·m/rank from the largest p down
    SELECT r.*,
           least(1.0, min(r.p * r.m / r.rk) OVER (ORDER BY r.rk DESC ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)) AS q
    FROM ranked AS r
),
alerts AS (
    SELECT q.*, CAST(q.w_here AS DOUBLE) / CAST(q.tenders AS DOUBLE) AS count_share,
           CASE WHEN q.awarded > 0 THEN q.amount_here / q.awarded ELSE 0.0 END AS amount_share,
           coalesce(e.name, q.firm) AS firm_name, coalesce(d.name, q.buyer) AS buyer_name
    FROM qvalues AS q
    LEFT JOIN enterprise_names AS e ON e.uscc = q.firm
    LEFT JOIN departments AS d ON d.code = q.buyer
    WHERE q.q <= $max_q AND q.w_here >= $min_wins AND CAST(q.w_here AS DOUBLE) / CAST(q.tenders AS DOUBLE) >= $min_share
),
leaders AS (  -- the buyer's top leaders in office at some time between the firm's first and last win here
    SELECT a.buyer, a.firm, p.official_id, coalesce(o.name, p.official_id) AS official_name, p.title,
           p.start_date, p.end_date
    FROM alerts AS a
    JOIN posts AS p ON p.department_code = a.buyer AND p.is_top_leader
         AND p.start_date <= a.last_win AND coalesce(p.end_date, DATE '9999-12-31') >= a.first_win
    LEFT JOIN officials AS o ON o.official_id = p.official_id
),
facts AS (
    SELECT a.buyer, a.firm, '0' AS k,
           {'subject': 'enterprise:' || a.firm, 'subject_label': a.firm_name, 'relation': 'habitually_wins',
            'object': 'department:' || a.buyer, 'object_label': a.buyer_name,
            'detail': '在本单位有效投标 ' || CAST(a.n_here AS VARCHAR) || ' 次、中标 ' || CAST(a.w_here AS VARCHAR)
                      || ' 次（按各项目有效投标人数的公平期望 ' || printf('%.1f', CAST(floor(10.0 * a.e_here + 0.5) AS DOUBLE) / 10.0)
                      || ' 次）；占本单位 ' || CAST(a.tenders AS VARCHAR) || ' 个竞争性项目的 '
                      || printf('%.0f%%', CAST(floor(100.0 * a.count_share + 0.5) AS DOUBLE))
                      || '，中标金额 ' || printf('%.2f', CAST(floor(a.amount_here / 100.0 + 0.5) AS DOUBLE) / 100.0)
                      || ' 万元，占 ' || printf('%.0f%%', CAST(floor(100.0 * a.amount_share + 0.5) AS DOUBLE))} AS fact
    FROM alerts AS a
    UNION ALL
    SELECT a.buyer, a.firm, '1' AS k,
           {'subject': 'enterprise:' || a.firm, 'subject_label': a.firm_name, 'relation': 'record_elsewhere',
            'object': 'department:' || a.buyer, 'object_label': a.buyer_name,
            'detail': CASE WHEN a.n_else = 0 THEN '在其他同行业采购人无有效投标记录，按普通竞争者计'
                           ELSE '在其他 ' || CAST(a.buyers_else AS VARCHAR) || ' 个同行业采购人有效投标 ' || CAST(a.n_else AS VARCHAR)
                                || ' 次、中标 ' || CAST(a.w_else AS VARCHAR) || ' 次（公平期望 '
                                || printf('%.1f', CAST(floor(10.0 * a.e_else + 0.5) AS DOUBLE) / 10.0) || ' 次）' END
                      || '；据此本单位每标中标概率 '
                      || printf('%.2f', CAST(floor(100.0 * a.p0 + 0.5) AS DOUBLE) / 100.0) || '；二项上尾 p='
                      || printf('%.2e', a.p) || '，BH q=' || printf('%.2e', a.q) || '（共检验 ' || CAST(a.m AS VARCHAR)
                      || ' 组企业×采购人）'} AS fact
    FROM alerts AS a
    UNION ALL
    SELECT l.buyer, l.firm, '2' || strftime(l.start_date, '%Y-%m-%d') || l.official_id AS k,
           {'subject': 'official:' || l.official_id, 'subject_label': l.official_name, 'relation': 'top_leader_of',
            'object': 'department:' || l.buyer, 'object_label': a.buyer_name,
            'detail': l.title || '（一把手）' || strftime(l.start_date, '%Y-%m-%d') || '…'
                      || CASE WHEN l.end_date IS NULL THEN '至今' ELSE strftime(l.end_date, '%Y-%m-%d') END} AS fact
    FROM leaders AS l
    JOIN alerts AS a ON a.buyer = l.buyer AND a.firm = l.firm
    UNION ALL
    SELECT a.buyer, a.firm, '3' || strftime(ab.award_day, '%Y-%m-%d') || ab.tender_id AS k,
           {'subject': 'enterprise:' || a.firm, 'subject_label': a.firm_name,
            'relation': CASE WHEN ab.won THEN 'won' ELSE 'lost' END,
            'object': 'tender:' || ab.tender_id, 'object_label': ab.title,
            'detail': '定标 ' || strftime(ab.award_day, '%Y-%m-%d') || '；有效投标 ' || CAST(ab.n_bids AS VARCHAR) || ' 家'
                      || CASE WHEN ab.amount IS NULL THEN ''
                              ELSE '；报价 ' || printf('%.2f', CAST(floor(ab.amount / 100.0 + 0.5) AS DOUBLE) / 100.0) || ' 万元' END} AS fact
    FROM alerts AS a
    JOIN awarded_bids AS ab ON ab.buyer = a.buyer AND ab.bidder_uscc = a.firm
),
evidence AS (
    SELECT buyer, firm, list_transform(list_sort(array_agg({'k': k, 'f': fact})), lambda x: x.f) AS evidence
    FROM facts
    GROUP BY buyer, firm
),
named AS (
    SELECT a.buyer, a.firm,
           list_sort(array_agg(DISTINCT ab.tender_id) FILTER (WHERE ab.won)) AS tender_id
    FROM alerts AS a
    JOIN awarded_bids AS ab ON ab.buyer = a.buyer AND ab.bidder_uscc = a.firm
    GROUP BY a.buyer, a.firm
),
officials_named AS (
    SELECT buyer, firm, list_sort(array_agg(DISTINCT official_id)) AS official_id FROM leaders GROUP BY buyer, firm
)
SELECT a.buyer || '|' || a.firm AS alert_key,
       least(100.0, 40.0 + 30.0 * least(1.0, -log10(greatest(a.q, 1e-12)) / 6.0)
                    + 15.0 * least(1.0, a.count_share) + 15.0 * least(1.0, a.amount_share)) AS score,
       a.firm_name || ' 在 ' || a.buyer_name || ' 投标 ' || CAST(a.n_here AS VARCHAR) || ' 次中标 ' || CAST(a.w_here AS VARCHAR)
           || ' 次（公平期望 ' || printf('%.1f', CAST(floor(10.0 * a.e_here + 0.5) AS DOUBLE) / 10.0) || ' 次），占该单位项目的 '
           || printf('%.0f%%', CAST(floor(100.0 * a.count_share + 0.5) AS DOUBLE)) || '、中标金额的 '
           || printf('%.0f%%', CAST(floor(100.0 * a.amount_share + 0.5) AS DOUBLE))
           || CASE WHEN a.n_else = 0 THEN '；在其他同行业采购人无投标记录'
                   ELSE '；在其他同行业采购人投标 ' || CAST(a.n_else AS VARCHAR) || ' 次中标 ' || CAST(a.w_else AS VARCHAR) || ' 次' END
               AS summary,
       [a.firm] AS enterprise_uscc,
       nm.tender_id,
       [a.buyer] AS department_code,
       ofn.official_id,
       ev.evidence
FROM alerts AS a
JOIN evidence AS ev ON ev.buyer = a.buyer AND ev.firm = a.firm
JOIN named AS nm ON nm.buyer = a.buyer AND nm.firm = a.firm
LEFT JOIN officials_named AS ofn ON ofn.buyer = a.buyer AND ofn.firm = a.firm
