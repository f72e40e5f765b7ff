-- Cover bidding (陪标): firms that bid again and again at one buyer and (almost) never win there, losing
-- to the same firm time after time — bids placed to make a steered award look contested (the buyer or the
-- favoured firm recruits the 陪标 firms, who are paid or repaid in kind); the 陪标专业户 of the discipline
-- platforms.
-- Per firm × buyer with ≥ $min_bids valid bids on awarded, contested tenders (view awarded_bids):
--   its fair expectation E = Σ chance (winners / valid bids of each tender);
--   p = P(X ≤ its wins), X ~ Binomial(bids, E / bids), exact, with ln j! from view log_factorials — by
--   Hoeffding (1956) the binomial with the same mean bounds the tail of the true Poisson-binomial below
--   its mean − 1, so p is conservative;
--   Benjamini–Hochberg q across every firm × buyer pair tested.
-- A cover firm: q ≤ $max_q and wins ≤ $max_win_ratio × E. Its beneficiary: the firm it lost to most
-- often at the buyer (ties: lower USCC), when that is ≥ $min_same_winner times and the beneficiary won
-- ≥ $beneficiary_share of the buyer's tenders where the two met. One alert per buyer × beneficiary with
-- all its cover firms — one scheme, one alert. Firms of a rotation ring lose to different members in
-- turn, so no member is any other's beneficiary: rings are left to bid_rotation_ring.
WITH pairs AS (
    SELECT buyer, bidder_uscc AS firm, count(*) AS n, sum(CASE WHEN won THEN 1 ELSE 0 END) AS w, sum(chance) AS e
    FROM awarded_bids
    GROUP BY buyer, bidder_uscc
    HAVING count(*) >= $min_bids
),
tails AS (  -- P(X ≤ wins), X ~ Binomial(n, E/n): Σ C(n, j) p^j (1 − p)^(n − j) for j = 0 … wins
    SELECT t.buyer, t.firm,
           least(1.0, sum(exp(ln_n.lf - lj.lf - lk.lf
                              + lj.j * ln(greatest(1e-9, t.e / t.n)) + (t.n - lj.j) * ln(greatest(1e-9, 1.0 - t.e / t.n))))) AS p
    FROM pairs AS t
    JOIN log_factorials AS lj ON lj.j BETWEEN 0 AND t.w
    JOIN log_factorials AS ln_n ON ln_n.j = t.n
    JOIN log_factorials AS lk ON lk.j = t.n - lj.j
    GROUP BY t.buyer, t.firm
),
ranked AS (
    SELECT t.*, coalesce(tl.p, 1.0) AS p, count(*) OVER () AS m,
           row_number() OVER (ORDER BY coalesce(tl.p, 1.0), t.buyer, t.firm) AS rk
    FROM pairs AS t
    LEFT JOIN tails AS tl ON tl.buyer = t.buyer AND tl.firm = t.firm
),
qvalues AS (  -- Benjamini–Hochberg: running minimum of p·m/rank from the largest p down
    SELECT r.*,
           least(1.0, min(r.p * r.m / r.rk) OVER (ORDER BY r.rk DESC ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)) AS q
    FROM ranked AS r
),
covers AS (
    SELECT * FROM qvalues WHERE q <= $max_q AND CAST(w AS DOUBLE) <= $max_win_ratio * e
),
lost_to AS (  -- whom each cover firm lost to at the buyer
    SELECT c.buyer, c.firm, wb.bidder_uscc AS winner, count(*) AS losses
    FROM covers AS c
    JOIN awarded_bids AS cb ON cb.buyer = c.buyer AND cb.bidder_uscc = c.firm AND NOT cb.won
    JOIN awarded_bids AS wb ON wb.tender_id = cb.tender_id AND wb.won
    GROUP BY c.buyer, c.firm, wb.bidder_uscc
),
top_winner AS (
    SELECT l.*, row_number() OVER (PARTITION BY l.buyer, l.firm ORDER BY l.losses DESC, l.winner) AS nth
    FROM lost_to AS l
),
met AS (  -- the tenders where the cover firm and its top winner both bid
    SELECT tw.buyer, tw.firm, tw.winner, tw.losses, count(*) AS met,
           sum(CASE WHEN wb.won THEN 1 ELSE 0 END) AS winner_wins
    FROM top_winner AS tw
    JOIN awarded_bids AS cb ON cb.buyer = tw.buyer AND cb.bidder_uscc = tw.firm
    JOIN awarded_bids AS wb ON wb.tender_id = cb.tender_id AND wb.bidder_uscc = tw.winner
    WHERE tw.nth = 1
    GROUP BY tw.buyer, tw.firm, tw.winner, tw.losses
),
named AS (
    SELECT c.*, m.winner AS beneficiary, m.losses, m.met, m.winner_wins, coalesce(e.name, c.firm) AS firm_name
    FROM covers AS c
    JOIN met AS m ON m.buyer = c.buyer AND m.firm = c.firm
    LEFT JOIN enterprise_names AS e ON e.uscc = c.firm
    WHERE m.losses >= $min_same_winner AND CAST(m.winner_wins AS DOUBLE) >= $beneficiary_share * CAST(m.met AS DOUBLE)
),
schemes AS (
    SELECT n.buyer, n.beneficiary, count(*) AS covers, min(n.q) AS q, max(n.m) AS m,
           coalesce(max(e.name), n.beneficiary) AS beneficiary_name, coalesce(max(d.name), n.buyer) AS buyer_name
    FROM named AS n
    LEFT JOIN enterprise_names AS e ON e.uscc = n.beneficiary
    LEFT JOIN departments AS d ON d.code = n.buyer
    GROUP BY n.buyer, n.beneficiary
),
beneficiary_record AS (
    SELECT s.buyer, s.beneficiary, count(*) AS bids, sum(CASE WHEN ab.won THEN 1 ELSE 0 END) AS wins,
           sum(ab.chance) AS e
    FROM schemes AS s
    JOIN awarded_bids AS ab ON ab.buyer = s.buyer AND ab.bidder_uscc = s.beneficiary
    GROUP BY s.buyer, s.beneficiary
),
scheme_bids AS (  -- the beneficiary's wins where a cover firm of the scheme lost, with each cover's price
    SELECT n.buyer, n.beneficiary, wb.tender_id, wb.title, wb.award_day, wb.amount AS win_amount, wb.n_bids,
           n.firm, n.firm_name, cb.amount,
           CASE WHEN cb.amount IS NOT NULL AND wb.amount > 0 THEN 100.0 * (cb.amount / wb.amount - 1.0) END AS margin
    FROM named AS n
    JOIN awarded_bids AS cb ON cb.buyer = n.buyer AND cb.bidder_uscc = n.firm AND NOT cb.won
    JOIN awarded_bids AS wb ON wb.tender_id = cb.tender_id AND wb.bidder_uscc = n.beneficiary AND wb.won
),
tender_lines AS (
    SELECT buyer, beneficiary, tender_id, max(title) AS title, max(award_day) AS award_day, max(win_amount) AS win_amount,
           max(n_bids) AS n_bids,
           array_to_string(list_sort(array_agg(firm_name || ' '
               || CASE WHEN margin IS NULL THEN '报价不详'
                       ELSE printf('%+.1f%%', CAST(floor(10.0 * margin + 0.5) AS DOUBLE) / 10.0) END)), '，') AS cover_prices
    FROM scheme_bids
    GROUP BY buyer, beneficiary, tender_id
),
facts AS (
    SELECT s.buyer, s.beneficiary, '0' AS k,
           {'subject': 'enterprise:' || s.beneficiary, 'subject_label': s.beneficiary_name, 'relation': 'beneficiary_at',
            'object': 'department:' || s.buyer, 'object_label': s.buyer_name,
            'detail': '在本单位有效投标 ' || CAST(br.bids AS VARCHAR) || ' 次、中标 ' || CAST(br.wins AS VARCHAR)
                      || ' 次（公平期望 ' || printf('%.1f', CAST(floor(10.0 * br.e + 0.5) AS DOUBLE) / 10.0) || ' 次）；陪标企业 '
                      || CAST(s.covers AS VARCHAR) || ' 家'} AS fact
    FROM schemes AS s
    JOIN beneficiary_record AS br ON br.buyer = s.buyer AND br.beneficiary = s.beneficiary
    UNION ALL
    SELECT n.buyer, n.beneficiary, '1' || n.firm AS k,
           {'subject': 'enterprise:' || n.firm, 'subject_label': n.firm_name, 'relation': 'covered_for',
            'object': 'enterprise:' || n.beneficiary, 'object_label': s.beneficiary_name,
            'detail': '在本单位有效投标 ' || CAST(n.n AS VARCHAR) || ' 次、中标 ' || CAST(n.w AS VARCHAR) || ' 次（按各项目有效投标人数的公平期望 '
                      || printf('%.1f', CAST(floor(10.0 * n.e + 0.5) AS DOUBLE) / 10.0) || ' 次）；二项下尾 p=' || printf('%.2e', n.p)
                      || '，BH q=' || printf('%.2e', n.q) || '（共检验 ' || CAST(n.m AS VARCHAR) || ' 组企业×采购人）；输给该企业 '
                      || CAST(n.losses AS VARCHAR) || ' 次，同场 ' || CAST(n.met AS VARCHAR) || ' 次中该企业中标 '
                      || CAST(n.winner_wins AS VARCHAR) || ' 次'} AS fact
    FROM named AS n
    JOIN schemes AS s ON s.buyer = n.buyer AND s.beneficiary = n.beneficiary
    UNION ALL
    SELECT t.buyer, t.beneficiary, '2' || strftime(t.award_day, '%Y-%m-%d') || t.tender_id AS k,
           {'subject': 'tender:' || t.tender_id, 'subject_label': t.title, 'relation': 'won_by',
            'object': 'enterprise:' || t.beneficiary, 'object_label': s.beneficiary_name,
            'detail': '定标 ' || strftime(t.award_day, '%Y-%m-%d')
                      || CASE WHEN t.win_amount IS NULL THEN ''
                              ELSE '；中标价 ' || printf('%.2f', CAST(floor(t.win_amount / 100.0 + 0.5) AS DOUBLE) / 100.0) || ' 万元' END
                      || '；陪标报价较中标价：' || t.cover_prices || '；有效投标 ' || CAST(t.n_bids AS VARCHAR) || ' 家'} AS fact
    FROM tender_lines AS t
    JOIN schemes AS s ON s.buyer = t.buyer AND s.beneficiary = t.beneficiary
),
evidence AS (
    SELECT buyer, beneficiary, list_transform(list_sort(array_agg({'k': k, 'f': fact})), lambda x: x.f) AS evidence
    FROM facts
    GROUP BY buyer, beneficiary
),
entities AS (
    SELECT n.buyer, n.beneficiary, list_sort(array_agg(DISTINCT n.firm)) AS cover_firms,
           array_to_string(list_sort(array_agg(DISTINCT n.firm_name)), '、') AS cover_names
    FROM named AS n
    GROUP BY n.buyer, n.beneficiary
),
tenders_named AS (
    SELECT buyer, beneficiary, list_sort(array_agg(DISTINCT tender_id)) AS tender_id, count(DISTINCT tender_id) AS tenders
    FROM tender_lines
    GROUP BY buyer, beneficiary
)
SELECT s.buyer || '|' || s.beneficiary AS alert_key,
       least(100.0, 45.0 + 25.0 * least(1.0, -log10(greatest(s.q, 1e-12)) / 6.0) + 10.0 * least(3, s.covers)) AS score,
       s.buyer_name || '：' || en.cover_names || ' 多次投标几乎从不中标，屡屡陪 ' || s.beneficiary_name || ' 中标（'
           || CAST(tn.tenders AS VARCHAR) || ' 个项目）；该企业在本单位投标 ' || CAST(br.bids AS VARCHAR) || ' 次中标 '
           || CAST(br.wins AS VARCHAR) || ' 次' AS summary,
       list_sort(list_concat(en.cover_firms, [s.beneficiary])) AS enterprise_uscc,
       tn.tender_id,
       [s.buyer] AS department_code,
       ev.evidence
FROM schemes AS s
JOIN beneficiary_record AS br ON br.buyer = s.buyer AND br.beneficiary = s.beneficiary
JOIN entities AS en ON en.buyer = s.buyer AND en.beneficiary = s.beneficiary
JOIN tenders_named AS tn ON tn.buyer = s.buyer AND tn.beneficiary = s.beneficiary
JOIN evidence AS ev ON ev.buyer = s.buyer AND ev.beneficiary = s.beneficiary
