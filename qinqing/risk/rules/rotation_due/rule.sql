-- Too long in post (交流轮岗到期未交流): a top leader (一把手) or the holder of a key power (a post with
-- `duties`) who, on $as_of, has held the same post longer than $max_years_in_post years, or has served
-- in the same unit longer than $max_years_in_unit years without a break. Only current posts count.
-- "The same post" is one department and title, consecutive appointments (re-appointments) merged.
-- "The same unit" is the organ the post belongs to: the department itself, or for an internal section
-- (level `section`) the nearest enclosing organ; service there is continuous while the next
-- appointment in it starts no more than $max_gap_days days after the last one ended.
WITH organ_of AS (  -- each department's organ: the nearest unit at or above it that is not a section
    SELECT u.department_code, min_by(u.ancestor_code, u.depth) AS organ
    FROM unit_tree AS u
    JOIN departments AS d ON d.code = u.ancestor_code
    WHERE d.level <> 'section'
    GROUP BY u.department_code
),
p AS (
    SELECT ps.official_id, ps.department_code, ps.title, ps.is_top_leader, ps.duties, ps.start_date,
           coalesce(ps.end_date, DATE '9999-12-31') AS end_date,
           coalesce(o.organ, ps.department_code) AS organ
    FROM posts AS ps
    LEFT JOIN organ_of AS o ON o.department_code = ps.department_code
    WHERE ps.start_date <= $as_of
),
unit_breaks AS (  -- a new stretch in the organ starts when the previous ones ended too long before
    SELECT p.*,
           CASE WHEN max(p.end_date) OVER (PARTITION BY p.official_id, p.organ ORDER BY p.start_date, p.end_date, p.department_code, p.title
                                        ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING)
                     >= p.start_date - INTERVAL $max_gap_days DAY
                THEN 0 ELSE 1 END AS new_unit_stretch,
           CASE WHEN max(p.end_date) OVER (PARTITION BY p.official_id, p.department_code, p.title ORDER BY p.start_date, p.end_date
                                        ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING)
                     >= p.start_date - INTERVAL $max_gap_days DAY
                THEN 0 ELSE 1 END AS new_post_stretch
    FROM p
),
stretches AS (
    SELECT b.*,
           sum(b.new_unit_stretch) OVER (PARTITION BY b.official_id, b.organ ORDER BY b.start_date, b.end_date, b.department_code, b.title
                                      ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS unit_stretch,
           sum(b.new_post_stretch) OVER (PARTITION BY b.official_id, b.department_code, b.title ORDER BY b.start_date, b.end_date
                                      ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS post_stretch
    FROM unit_breaks AS b
),
with_since AS (
    SELECT s.*,
           min(s.start_date) OVER (PARTITION BY s.official_id, s.organ, s.unit_stretch) AS in_unit_since,
           min(s.start_date) OVER (PARTITION BY s.official_id, s.department_code, s.title, s.post_stretch) AS in_post_since
    FROM stretches AS s
),
current_key AS (  -- current posts that carry the top job or a key power
    SELECT w.*,
           CAST(date_diff('day', w.in_post_since, $as_of) AS DOUBLE) / 365.25 AS years_in_post,
           CAST(date_diff('day', w.in_unit_since, $as_of) AS DOUBLE) / 365.25 AS years_in_unit,
           coalesce(array_length(w.duties), 0) > 0 AS has_powers
    FROM with_since AS w
    WHERE w.end_date > $as_of AND (w.is_top_leader OR coalesce(array_length(w.duties), 0) > 0)
),
due AS (
    SELECT c.*
    FROM current_key AS c
    WHERE c.years_in_post > $max_years_in_post OR c.years_in_unit > $max_years_in_unit
),
alerts AS (  -- one alert per official and organ (two current key posts in one organ are one alert)
    SELECT official_id, organ, max(years_in_post) AS years_in_post, max(years_in_unit) AS years_in_unit,
           bool_or(is_top_leader) AS top_leader, bool_or(has_powers) AS has_powers,
           min(in_unit_since) AS in_unit_since,
           list_sort(array_agg(DISTINCT department_code)) AS post_units,
           array_to_string(list_sort(array_agg(DISTINCT title)), '、') AS titles
    FROM due
    GROUP BY official_id, organ
),
post_facts AS (  -- the current key posts, then every appointment of the stretch in the organ
    SELECT d.official_id, d.organ,
           '0' || strftime(d.in_post_since, '%Y-%m-%d') || d.department_code || d.title AS sort_key,
           {'subject': 'official:' || d.official_id, 'subject_label': o.name, 'relation': 'holds_post',
            'object': 'department:' || d.department_code, 'object_label': dp.name,
            'detail': printf('%s since %s (%.1f years in post)', d.title, strftime(d.in_post_since, '%Y-%m-%d'), d.years_in_post)
                      || CASE WHEN d.is_top_leader THEN '; top leader 一把手' ELSE '' END
                      || CASE WHEN d.has_powers THEN '; powers: ' || array_to_string(d.duties, ';') ELSE '' END} AS fact
    FROM due AS d
    JOIN officials AS o ON o.official_id = d.official_id
    JOIN departments AS dp ON dp.code = d.department_code
    UNION ALL
    SELECT a.official_id, a.organ,
           '1' || strftime(w.start_date, '%Y-%m-%d') || w.department_code || w.title AS sort_key,
           {'subject': 'official:' || w.official_id, 'subject_label': o.name,
            'relation': 'served_as',
            'object': 'department:' || w.department_code, 'object_label': dp.name,
            'detail': w.title || ', ' || strftime(w.start_date, '%Y-%m-%d') || '…' || strftime(w.end_date, '%Y-%m-%d')
                      || CASE WHEN w.is_top_leader THEN '; top leader 一把手' ELSE '' END} AS fact
    FROM alerts AS a
    JOIN with_since AS w
      ON w.official_id = a.official_id AND w.organ = a.organ AND w.in_unit_since = a.in_unit_since
     AND w.end_date <= $as_of  -- earlier appointments of the stretch (the current ones are above)
    JOIN officials AS o ON o.official_id = w.official_id
    JOIN departments AS dp ON dp.code = w.department_code
    UNION ALL
    SELECT a.official_id, a.organ, '2' AS sort_key,
           {'subject': 'official:' || a.official_id, 'subject_label': o.name, 'relation': 'in_unit',
            'object': 'department:' || a.organ, 'object_label': dp.name,
            'detail': printf('continuously since %s: %.1f years (limit %d); longest in one post %.1f years (limit %d)',
                             strftime(a.in_unit_since, '%Y-%m-%d'), a.years_in_unit, $max_years_in_unit,
                             a.years_in_post, $max_years_in_post)} AS fact
    FROM alerts AS a
    JOIN officials AS o ON o.official_id = a.official_id
    JOIN departments AS dp ON dp.code = a.organ
),
facts AS (
    SELECT official_id, organ, list_transform(list_sort(array_agg({'k': sort_key, 'f': fact})), lambda x: x.f) AS evidence
    FROM post_facts
    GROUP BY official_id, organ
)
SELECT a.official_id || '|' || a.organ AS alert_key,
       least(100.0, 30.0
            + CASE WHEN a.top_leader THEN 10.0 ELSE 0.0 END
            + CASE WHEN a.has_powers THEN 5.0 ELSE 0.0 END
            + least(30.0, 5.0 * greatest(0.0, a.years_in_post - $max_years_in_post))
            + least(25.0, 2.5 * greatest(0.0, a.years_in_unit - $max_years_in_unit))) AS score,
       printf('%s（%s）在%s任现职 %.1f 年、连续工作 %.1f 年，应交流轮岗', o.name, a.titles, dp.name,
              a.years_in_post, a.years_in_unit) AS summary,
       [a.official_id] AS official_id,
       list_distinct(list_concat([a.organ], a.post_units)) AS department_code,
       f.evidence
FROM alerts AS a
JOIN officials AS o ON o.official_id = a.official_id
JOIN departments AS dp ON dp.code = a.organ
JOIN facts AS f ON f.official_id = a.official_id AND f.organ = a.organ
