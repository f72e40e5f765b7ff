-- Bid rotation ring (围标、轮流坐庄): the same few firms bid together on tender after tender of one buyer
-- and take turns to win, the losers pricing a little above the winner — collusion that shares the
-- buyer's contracts out among the ring while the tenders look contested.
-- Finding the groups (deterministic, joins and sorted lists only, so DuckDB and Spark agree):
--   1. pairs of firms that bid together (both valid bids, view awarded_bids) on ≥ $min_tenders tenders
--      of one buyer;
--   2. each firm's circle at the buyer: itself and its frequent co-bidders, as a sorted list — a
--      candidate group when it has ≥ $min_firms firms;
--   3. a candidate's joint tenders: the buyer's tenders where every member bid; it stays when there are
--      ≥ $min_tenders of them, members won ≥ $min_win_share of them and ≥ $min_winners distinct members
--      won. No staying group lies inside another: its members all co-bid ≥ $min_tenders times, so each
--      member's own circle contains the whole group.
-- Division with cover_bidding: a group whose wins all go to one member is that member's covers
-- (cover_bidding); a ring needs ≥ $min_winners distinct winners, and cover_bidding names a beneficiary
-- only when it wins most tenders where it meets the cover, so a rotating ring gives one alert here.
WITH pairs AS (
    SELECT a.buyer, a.bidder_uscc AS firm, b.bidder_uscc AS partner
    FROM awarded_bids AS a
    JOIN awarded_bids AS b ON b.tender_id = a.tender_id AND b.bidder_uscc <> a.bidder_uscc
    GROUP BY a.buyer, a.bidder_uscc, b.bidder_uscc
    HAVING count(*) >= $min_tenders
),
circle_members AS (
    SELECT buyer, firm, partner AS member FROM pairs
    UNION ALL
    SELECT DISTINCT buyer, firm, firm AS member FROM pairs
),
circles AS (
    SELECT buyer, firm, list_sort(array_agg(member)) AS members, count(*) AS size
    FROM circle_members
    GROUP BY buyer, firm
),
candidates AS (
    SELECT DISTINCT buyer, array_to_string(members, ',') AS group_key, members, size
    FROM circles
    WHERE size >= $min_firms
),
group_members AS (
    SELECT c.buyer, c.group_key, c.size, u.member
    FROM candidates AS c
    CROSS JOIN unnest(c.members) AS u(member)
),
joint AS (  -- the buyer's tenders where every member of the group bid
    SELECT g.buyer, g.group_key, ab.tender_id
    FROM group_members AS g
    JOIN awarded_bids AS ab ON ab.buyer = g.buyer AND ab.bidder_uscc = g.member
    GROUP BY g.buyer, g.group_key, ab.tender_id
    HAVING count(*) = max(g.size)
),
joint_bids AS (  -- every valid bid on a joint tender, marked member or not
    SELECT j.buyer, j.group_key, ab.tender_id, ab.title, ab.award_day, ab.bidder_uscc, ab.amount, ab.won, ab.n_bids,
           ab.chance, gm.member IS NOT NULL AS in_group
    FROM joint AS j
    JOIN awarded_bids AS ab ON ab.tender_id = j.tender_id
    LEFT JOIN group_members AS gm ON gm.group_key = j.group_key AND gm.buyer = j.buyer AND gm.member = ab.bidder_uscc
),
group_stats AS (
    SELECT buyer, group_key, count(DISTINCT tender_id) AS joint_tenders,
           count(DISTINCT CASE WHEN won AND in_group THEN tender_id END) AS group_wins,
           count(DISTINCT CASE WHEN won AND in_group THEN bidder_uscc END) AS winners,
           sum(CASE WHEN in_group THEN chance ELSE 0.0 END) AS fair_wins
    FROM joint_bids
    GROUP BY buyer, group_key
),
passing AS (
    SELECT c.buyer, c.group_key, c.members, c.size, s.joint_tenders, s.group_wins, s.winners, s.fair_wins
    FROM candidates AS c
    JOIN group_stats AS s ON s.buyer = c.buyer AND s.group_key = c.group_key
    WHERE s.joint_tenders >= $min_tenders AND s.winners >= $min_winners
      AND CAST(s.group_wins AS DOUBLE) >= $min_win_share * CAST(s.joint_tenders AS DOUBLE)
),
rings AS (
    SELECT p.*, coalesce(d.name, p.buyer) AS buyer_name
    FROM passing AS p
    LEFT JOIN departments AS d ON d.code = p.buyer
),
priced AS (  -- each losing member's price against the tender's winning price
    SELECT jb.*, w.bidder_uscc AS winner, w.amount AS win_amount, w.in_group AS winner_in_group,
           CASE WHEN jb.amount IS NOT NULL AND w.amount > 0 THEN 100.0 * (jb.amount / w.amount - 1.0) END AS margin
    FROM joint_bids AS jb
    JOIN rings AS r ON r.group_key = jb.group_key AND r.buyer = jb.buyer
    JOIN (SELECT group_key, buyer, tender_id, bidder_uscc, amount, in_group,
                 row_number() OVER (PARTITION BY group_key, buyer, tender_id ORDER BY bidder_uscc) AS nth
          FROM joint_bids WHERE won) AS w
         ON w.group_key = jb.group_key AND w.buyer = jb.buyer AND w.tender_id = jb.tender_id AND w.nth = 1
),
margins AS (
    SELECT buyer, group_key, median(margin) AS median_margin, count(margin) AS margins
    FROM priced
    WHERE in_group AND NOT won AND winner_in_group AND margin IS NOT NULL
    GROUP BY buyer, group_key
),
member_stats AS (
    SELECT p.buyer, p.group_key, p.bidder_uscc AS member, coalesce(e.name, p.bidder_uscc) AS member_name,
           count(*) AS bids, sum(CASE WHEN p.won THEN 1 ELSE 0 END) AS wins,
           avg(CASE WHEN NOT p.won AND p.winner_in_group THEN p.margin END) AS avg_margin
    FROM priced AS p
    LEFT JOIN enterprise_names AS e ON e.uscc = p.bidder_uscc
    WHERE p.in_group
    GROUP BY p.buyer, p.group_key, p.bidder_uscc, e.name
),
tender_lines AS (  -- per joint tender: the winner, and each losing member's price against the winner's
    SELECT p.buyer, p.group_key, p.tender_id, max(p.title) AS title, max(p.award_day) AS award_day, max(p.winner) AS winner,
           max(p.win_amount) AS win_amount, max(p.n_bids) AS n_bids,
           sum(CASE WHEN p.in_group THEN 0 ELSE 1 END) AS outsiders,
           array_to_string(list_sort(array_agg(ms.member_name || ' '
                   || CASE WHEN p.margin IS NULL THEN '报价不详'
                           ELSE printf('%+.1f%%', CAST(floor(10.0 * p.margin + 0.5) AS DOUBLE) / 10.0) END)
               FILTER (WHERE p.in_group AND NOT p.won)), '，') AS losers
    FROM priced AS p
    LEFT JOIN member_stats AS ms ON ms.buyer = p.buyer AND ms.group_key = p.group_key AND ms.member = p.bidder_uscc
    GROUP BY p.buyer, p.group_key, p.tender_id
),
facts AS (
    SELECT m.buyer, m.group_key, '0' || m.member AS k,
           {'subject': 'enterprise:' || m.member, 'subject_label': m.member_name, 'relation': 'ring_member',
            'object': 'department:' || r.buyer, 'object_label': r.buyer_name,
            'detail': '共同投标 ' || CAST(m.bids AS VARCHAR) || ' 次、中标 ' || CAST(m.wins AS VARCHAR) || ' 次'
                      || CASE WHEN m.avg_margin IS NULL THEN ''
                              ELSE '；陪标时报价平均高出中标价 '
                                   || printf('%.1f%%', CAST(floor(10.0 * m.avg_margin + 0.5) AS DOUBLE) / 10.0) END} AS fact
    FROM member_stats AS m
    JOIN rings AS r ON r.buyer = m.buyer AND r.group_key = m.group_key
    UNION ALL
    SELECT t.buyer, t.group_key, '1' || strftime(t.award_day, '%Y-%m-%d') || t.tender_id AS k,
           {'subject': 'tender:' || t.tender_id, 'subject_label': t.title, 'relation': 'won_by',
            'object': 'enterprise:' || t.winner, 'object_label': coalesce(e.name, t.winner),
            'detail': '定标 ' || strftime(t.award_day, '%Y-%m-%d')
                      || CASE WHEN t.win_amount IS NULL THEN ''
                              ELSE '；中标价 ' || printf('%.2f', CAST(floor(t.win_amount / 100.0 + 0.5) AS DOUBLE) / 100.0) || ' 万元' END
                      || CASE WHEN coalesce(t.losers, '') = '' THEN '' ELSE '；成员报价较中标价：' || t.losers END
                      || '；有效投标 ' || CAST(t.n_bids AS VARCHAR) || ' 家，圈外 ' || CAST(t.outsiders AS VARCHAR) || ' 家'} AS fact
    FROM tender_lines AS t
    LEFT JOIN enterprise_names AS e ON e.uscc = t.winner
),
evidence AS (
    SELECT buyer, group_key, list_transform(list_sort(array_agg({'k': k, 'f': fact})), lambda x: x.f) AS evidence
    FROM facts
    GROUP BY buyer, group_key
),
tenders_named AS (
    SELECT buyer, group_key, list_sort(array_agg(DISTINCT tender_id)) AS tender_id FROM tender_lines GROUP BY buyer, group_key
)
SELECT r.buyer || '|' || r.group_key AS alert_key,
       least(100.0, 40.0 + 20.0 * CAST(r.group_wins AS DOUBLE) / CAST(r.joint_tenders AS DOUBLE)
                    + 5.0 * least(4, r.winners)
                    + 10.0 * least(1.0, CAST(r.joint_tenders AS DOUBLE) / (2.0 * $min_tenders))
                    + CASE WHEN mg.median_margin IS NOT NULL AND mg.median_margin <= $close_margin THEN 10.0 ELSE 0.0 END)
           AS score,
       CAST(r.size AS VARCHAR) || ' 家企业在 ' || r.buyer_name || ' 的 ' || CAST(r.joint_tenders AS VARCHAR)
           || ' 个项目中共同投标，成员中标 ' || CAST(r.group_wins AS VARCHAR) || ' 个（公平期望 '
           || printf('%.1f', CAST(floor(10.0 * r.fair_wins + 0.5) AS DOUBLE) / 10.0) || ' 个），'
           || CAST(r.winners AS VARCHAR) || ' 家轮流中标'
           || CASE WHEN mg.median_margin IS NULL THEN ''
                   ELSE '；陪标报价中位高出中标价 ' || printf('%.1f%%', CAST(floor(10.0 * mg.median_margin + 0.5) AS DOUBLE) / 10.0) END
           AS summary,
       r.members AS enterprise_uscc,
       tn.tender_id,
       [r.buyer] AS department_code,
       ev.evidence
FROM rings AS r
JOIN evidence AS ev ON ev.buyer = r.buyer AND ev.group_key = r.group_key
JOIN tenders_named AS tn ON tn.buyer = r.buyer AND tn.group_key = r.group_key
LEFT JOIN margins AS mg ON mg.buyer = r.buyer AND mg.group_key = r.group_key
