-- Beyond income: the assets a household acquired in the period — the last $years whole calendar years
-- before the scan date and the current year up to it — are worth more than $factor times the income it
-- declared for those years, and the gap is at least $min_unexplained yuan (the report: a daughter's
-- 17-million-yuan flat in Shenzhen). Assets without an acquisition date are left out (deposits are
-- balances, not purchases). Money flowing into the household in the period from outside it
-- (transactions to the ID number of the official, the spouse or a child, from anyone else — a declared
-- brother included) is shown as evidence of where the money came from; it does not explain the gap.
WITH bounds AS (
    SELECT make_date(year($as_of) - $years, 1, 1) AS start_day, year($as_of) - $years AS first_year,
           year($as_of) AS last_year
),
owners AS (  -- each declared asset owner as the official or a declared relative, where the name is theirs
    SELECT official_id, kin_name, min(relation) AS relation, min(kin_id) AS kin_id
    FROM kin
    GROUP BY official_id, kin_name
),
acquired AS (
    SELECT a.official_id, a.owner_name, a.kind, a.value, a.acquired_date, a.location, ow.relation, ow.kin_id,
           row_number() OVER (PARTITION BY a.official_id ORDER BY a.value DESC, a.acquired_date, a.owner_name, a.kind,
                                                                  a.location) AS n
    FROM assets AS a
    CROSS JOIN bounds AS b
    LEFT JOIN owners AS ow ON ow.official_id = a.official_id AND ow.kin_name = a.owner_name
    WHERE a.acquired_date IS NOT NULL AND a.acquired_date >= b.start_day AND a.acquired_date <= $as_of
),
asset_sum AS (
    SELECT official_id, sum(value) AS assets, count(*) AS items
    FROM acquired
    GROUP BY official_id
),
income_sum AS (
    SELECT i.official_id, sum(i.income) AS income, count(*) AS years_declared,
           min(i.year) AS first_year, max(i.year) AS last_year
    FROM incomes AS i
    CROSS JOIN bounds AS b
    WHERE i.year BETWEEN b.first_year AND b.last_year
    GROUP BY i.official_id
),
alerts AS (
    SELECT s.official_id, s.assets, s.items, coalesce(i.income, 0.0) AS income, coalesce(i.years_declared, 0) AS years_declared,
           i.first_year, i.last_year
    FROM asset_sum AS s
    LEFT JOIN income_sum AS i ON i.official_id = s.official_id
    WHERE s.assets > $factor * coalesce(i.income, 0.0) AND s.assets - coalesce(i.income, 0.0) >= $min_unexplained
),
household AS (
    SELECT k.official_id, k.kin_id, k.kin_name, k.relation
    FROM kin AS k
    WHERE k.kin_id IS NOT NULL AND k.kin_id NOT LIKE '%*%' AND list_contains($household, k.relation)
      AND k.official_id IN (SELECT official_id FROM alerts)
),
inflows AS (  -- money into the household from outside it
    SELECT h.official_id, h.kin_id, h.kin_name, h.relation, t.payer_id, t.amount, t.date, t.kind
    FROM household AS h
    JOIN transactions AS t ON t.payee_id = h.kin_id
    CROSS JOIN bounds AS b
    LEFT JOIN household AS inside ON inside.official_id = h.official_id AND inside.kin_id = t.payer_id
    WHERE t.date >= b.start_day AND t.date <= $as_of AND inside.kin_id IS NULL
),
inflow_facts AS (
    SELECT f.official_id, sum(f.amount) AS amount, list_sort(array_agg(DISTINCT e.uscc)) AS firms,
           list_transform(list_sort(array_agg({
               'k': strftime(f.date, '%Y-%m-%d') || f.payer_id || f.kin_id || printf('%020.2f', f.amount),
               'f': {'subject': CASE WHEN e.uscc IS NOT NULL THEN 'enterprise:' || f.payer_id
                                     WHEN pk.official_id IS NOT NULL AND pk.relation = 'self' THEN 'official:' || f.official_id
                                     ELSE 'person:' || f.payer_id END,
                     'subject_label': coalesce(e.name, pk.kin_name, f.payer_id),
                     'relation': CASE f.kind WHEN 'loan' THEN 'lent_to' WHEN 'transfer' THEN 'transferred_to' ELSE 'paid' END,
                     'object': CASE WHEN f.relation = 'self' THEN 'official:' || f.official_id ELSE 'person:' || f.kin_id END,
                     'object_label': f.kin_name,
                     'detail': printf('%s %.2f 万元 on %s', f.kind, f.amount / 10000.0, strftime(f.date, '%Y-%m-%d'))
                               || CASE WHEN pk.official_id IS NOT NULL THEN '; payer is the declared ' || pk.relation
                                       ELSE '' END}})), lambda x: x.f) AS facts
    FROM inflows AS f
    LEFT JOIN enterprise_names AS e ON e.uscc = f.payer_id
    LEFT JOIN (SELECT official_id, kin_id, min(kin_name) AS kin_name, min(relation) AS relation
               FROM kin WHERE kin_id IS NOT NULL GROUP BY official_id, kin_id) AS pk
      ON pk.official_id = f.official_id AND pk.kin_id = f.payer_id
    GROUP BY f.official_id
),
asset_facts AS (
    SELECT a.official_id,
           list_transform(list_sort(array_agg({
               'k': printf('%06d', a.n),
               'f': {'subject': CASE WHEN a.relation IS NULL OR a.relation = 'self' THEN 'official:' || a.official_id
                                     ELSE 'person:' || coalesce(a.kin_id, a.owner_name) END,
                     'subject_label': a.owner_name, 'relation': 'owns',
                     'object': 'asset:' || a.official_id || ':' || CAST(a.n AS VARCHAR),
                     'object_label': a.kind || CASE WHEN a.location IS NULL THEN '' ELSE ' ' || a.location END,
                     'detail': printf('%.2f 万元, acquired %s', a.value / 10000.0, strftime(a.acquired_date, '%Y-%m-%d'))
                               || CASE WHEN a.relation IS NULL THEN '; owner not among the declared relatives'
                                       WHEN a.relation = 'self' THEN '' ELSE '; ' || a.relation END}})), lambda x: x.f) AS facts
    FROM acquired AS a
    WHERE a.official_id IN (SELECT official_id FROM alerts)
    GROUP BY a.official_id
),
relative_facts AS (  -- how each asset owner is related to the official
    SELECT a.official_id,
           list_transform(list_sort(array_agg(DISTINCT {
               'k': a.kin_id,
               'f': {'subject': 'official:' || a.official_id, 'subject_label': o.name, 'relation': 'declared_relative',
                     'object': 'person:' || a.kin_id, 'object_label': a.owner_name, 'detail': a.relation}})), lambda x: x.f) AS facts
    FROM acquired AS a
    JOIN officials AS o ON o.official_id = a.official_id
    WHERE a.relation IS NOT NULL AND a.relation <> 'self' AND a.kin_id IS NOT NULL
      AND a.official_id IN (SELECT official_id FROM alerts)
    GROUP BY a.official_id
)
SELECT a.official_id AS alert_key,
       least(100.0, 40.0
            + CASE WHEN a.income > 0 THEN least(30.0, 10.0 * log2(a.assets / a.income / $factor)) ELSE 30.0 END
            + least(15.0, (a.assets - a.income) / 1000000.0)
            + CASE WHEN coalesce(fl.amount, 0) > 0 THEN 15.0 ELSE 0.0 END) AS score,
       printf('%s 家庭 %d 年以来新增财产 %.2f 万元，同期申报收入 %.2f 万元（%s）', o.name, b.first_year,
              a.assets / 10000.0, a.income / 10000.0,
              CASE WHEN a.income > 0 THEN printf('%.1f 倍', a.assets / a.income) ELSE '无申报收入' END)
       || CASE WHEN coalesce(fl.amount, 0) > 0 THEN printf('；期间外部转入 %.2f 万元', fl.amount / 10000.0) ELSE '' END
           AS summary,
       [a.official_id] AS official_id,
       fl.firms AS enterprise_uscc,
       list_concat(list_concat(list_concat(coalesce(rf.facts, []), af.facts), [
           {'subject': 'official:' || a.official_id, 'subject_label': o.name, 'relation': 'declared_income',
            'object': 'official:' || a.official_id, 'object_label': o.name,
            'detail': CASE WHEN a.income <= 0
                           THEN printf('no income declared for %d…%d; assets acquired since %s: %.2f 万元 (%d items)',
                                       b.first_year, b.last_year, strftime(b.start_day, '%Y-%m-%d'), a.assets / 10000.0, a.items)
                           ELSE printf('%d…%d: %.2f 万元 over %d declared years; assets acquired since %s: %.2f 万元 (%d items), %.1f× the income (limit %.1f×)',
                                       a.first_year, a.last_year, a.income / 10000.0, a.years_declared,
                                       strftime(b.start_day, '%Y-%m-%d'), a.assets / 10000.0, a.items,
                                       a.assets / a.income, CAST($factor AS DOUBLE)) END}]),
           coalesce(fl.facts, [])) AS evidence
FROM alerts AS a
CROSS JOIN bounds AS b
JOIN officials AS o ON o.official_id = a.official_id
JOIN asset_facts AS af ON af.official_id = a.official_id
LEFT JOIN relative_facts AS rf ON rf.official_id = a.official_id
LEFT JOIN inflow_facts AS fl ON fl.official_id = a.official_id
