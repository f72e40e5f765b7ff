-- An official, or a declared relative, holds shares (directly or through up to $max_layers layers of
-- firms) or a role in a firm that receives decisions from the official's unit while the official holds
-- the post: application decisions and payments (涉企事项) of the unit or any unit below it, and tender
-- awards it buys. A decision on an item that needs a power the post carries (`duties`, e.g. explosives
-- permits), or handled by the official in person, weighs more.
WITH stakes AS (
    SELECT official_id, official_name, kin_name, relation, enterprise_uscc, effective_share, layers, path
    FROM kin_firms
    WHERE layers <= $max_layers AND effective_share >= $min_effective_share
    UNION ALL
    SELECT s.official_id, s.official_name, s.kin_name, s.relation, s.enterprise_uscc,
           CAST(NULL AS DOUBLE) AS effective_share, 0 AS layers, s.path
    FROM kin_stakes AS s
    WHERE s.link = 'role' AND list_contains($roles, s.role)
),
strongest AS (  -- one stake per official and firm: the largest share, then the shortest chain
    SELECT official_id, enterprise_uscc,
           max_by(path, printf('%.9f', coalesce(effective_share, 0)) || printf('%03d', 9 - layers)
                        || kin_name || relation) AS path,
           max(effective_share) AS effective_share,
           array_to_string(list_sort(array_agg(DISTINCT relation)), ',') AS relations
    FROM stakes
    GROUP BY official_id, enterprise_uscc
),
post_units AS (
    SELECT p.official_id, p.department_code AS post_unit, p.title, p.is_top_leader, p.duties,
           p.start_date, coalesce(p.end_date, DATE '9999-12-31') AS end_date, t.department_code AS unit
    FROM posts AS p
    JOIN unit_tree AS t ON t.ancestor_code = p.department_code
    WHERE p.official_id IN (SELECT official_id FROM strongest)
),
decisions AS (
    SELECT 'application' AS kind, a.application_id AS ref, a.enterprise_uscc, s.department_code AS unit,
           s.item_code, s.name AS what, CAST(coalesce(a.completed_at, a.accepted_at) AS DATE) AS day,
           a.handler_official_id AS handler
    FROM kin_decisions AS a  -- the decisions on kin firms' matters (accepted, completed or rejected)
    JOIN service_items AS s ON s.item_code = a.item_code
    WHERE a.enterprise_uscc IN (SELECT enterprise_uscc FROM strongest)
    UNION ALL
    SELECT 'tender' AS kind, w.tender_id AS ref, w.bidder_uscc AS enterprise_uscc,
           w.buyer_department_code AS unit, CAST(NULL AS VARCHAR) AS item_code, w.title AS what,
           CAST(coalesce(w.awarded_at, w.published_at) AS DATE) AS day, CAST(NULL AS VARCHAR) AS handler
    FROM kin_awards AS w  -- the tenders won by kin firms (and by their counterparties)
    WHERE w.bidder_uscc IN (SELECT enterprise_uscc FROM strongest)
),
hits AS (
    SELECT st.official_id, st.enterprise_uscc, d.kind, d.ref, d.unit, d.what, d.day, pu.post_unit,
           pu.is_top_leader, coalesce(d.handler = st.official_id, FALSE) AS personally,
           EXISTS (SELECT 1 FROM powers AS pw
                   WHERE list_contains(pu.duties, pw.duty) AND d.what LIKE '%' || pw.item_keyword || '%'
                     AND d.kind = 'application') AS via_power
    FROM strongest AS st
    JOIN decisions AS d ON d.enterprise_uscc = st.enterprise_uscc
    JOIN post_units AS pu
      ON pu.official_id = st.official_id AND pu.unit = d.unit AND d.day BETWEEN pu.start_date AND pu.end_date
),
per_hit AS (  -- a decision counts once even when two of the official's posts cover its unit
    SELECT official_id, enterprise_uscc, kind, ref, unit, what, day, min(post_unit) AS post_unit,
           bool_or(is_top_leader) AS is_top_leader, bool_or(personally) AS personally, bool_or(via_power) AS via_power
    FROM hits
    GROUP BY official_id, enterprise_uscc, kind, ref, unit, what, day
),
facts AS (  -- decisions of one kind on one thing by one unit, as one fact
    SELECT h.official_id, h.enterprise_uscc, h.kind, h.unit, h.what,
           {'subject': 'department:' || h.unit, 'subject_label': coalesce(dp.name, h.unit),
            'relation': CASE WHEN h.kind = 'tender' THEN 'awarded' ELSE 'decided' END,
            'object': 'enterprise:' || h.enterprise_uscc, 'object_label': e.name,
            'detail': h.what || ' ×' || CAST(count(*) AS VARCHAR) || ', ' || CAST(min(h.day) AS VARCHAR) || '…'
                      || CAST(max(h.day) AS VARCHAR)
                      || CASE WHEN sum(CASE WHEN h.personally THEN 1 ELSE 0 END) > 0
                              THEN '; handled by the official ×' || CAST(sum(CASE WHEN h.personally THEN 1 ELSE 0 END) AS VARCHAR)
                              ELSE '' END
                      || CASE WHEN bool_or(h.via_power) THEN '; needs a power of the post' ELSE '' END} AS fact
    FROM per_hit AS h
    JOIN enterprise_names AS e ON e.uscc = h.enterprise_uscc
    LEFT JOIN departments AS dp ON dp.code = h.unit
    GROUP BY h.official_id, h.enterprise_uscc, h.kind, h.unit, h.what, dp.name, e.name
),
alerts AS (
    SELECT h.official_id, h.enterprise_uscc, count(*) AS decisions,
           sum(CASE WHEN h.personally THEN 1 ELSE 0 END) AS personally,
           bool_or(h.via_power) AS via_power, bool_or(h.is_top_leader) AS top_leader,
           list_sort(array_agg(DISTINCT CASE WHEN h.kind = 'application' THEN h.ref END)) AS application_id,
           list_sort(array_agg(DISTINCT CASE WHEN h.kind = 'tender' THEN h.ref END)) AS tender_id,
           list_sort(array_agg(DISTINCT h.post_unit)) AS department_code
    FROM per_hit AS h
    GROUP BY h.official_id, h.enterprise_uscc
),
fact_lists AS (
    SELECT official_id, enterprise_uscc, list_sort(array_agg(fact)) AS decision_facts
    FROM facts
    GROUP BY official_id, enterprise_uscc
)
SELECT a.official_id || '|' || a.enterprise_uscc AS alert_key,
       least(100.0, 40.0
            + 25.0 * least(1.0, coalesce(st.effective_share, 0.5) / 0.5)
            + CASE WHEN a.personally > 0 THEN 15.0 ELSE 0.0 END
            + CASE WHEN a.via_power THEN 10.0 ELSE 0.0 END
            + CASE WHEN a.top_leader THEN 5.0 ELSE 0.0 END
            + least(5.0, CAST(a.decisions AS DOUBLE))) AS score,
       o.name || '（' || st.relations || '）关联企业 ' || e.name || ' 获本单位决定 ' || CAST(a.decisions AS VARCHAR) || ' 次'
           AS summary,
       [a.official_id] AS official_id,
       list_distinct(list_concat([a.enterprise_uscc],
           list_transform(list_filter(st.path, lambda f: f.object LIKE 'enterprise:%'), lambda f: substr(f.object, 12))))
           AS enterprise_uscc,
       a.application_id, a.tender_id, a.department_code,
       list_concat(st.path, fl.decision_facts) AS evidence
FROM alerts AS a
JOIN strongest AS st ON st.official_id = a.official_id AND st.enterprise_uscc = a.enterprise_uscc
JOIN fact_lists AS fl ON fl.official_id = a.official_id AND fl.enterprise_uscc = a.enterprise_uscc
JOIN officials AS o ON o.official_id = a.official_id
JOIN enterprise_names AS e ON e.uscc = a.enterprise_uscc
