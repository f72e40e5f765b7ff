-- matter_times: every enterprise matter that can be timed on the scan date, with the working days it took
-- (法定节假日 off, 调休 weekends on) from the submission date to the decision, or to the scan date while
-- still pending. Withdrawn matters, items without a statutory limit and decisions without a date (no
-- measurable time) are left out. The delay rules (overdue_matters, selective_speed) judge these times;
-- keeping them as one relation means a province's million matters are timed once per change, not per rule.
-- One row per application at most, depending on no other application: a kept copy follows new and changed
-- applications by timing those alone.
-- @patch applications.application_id
WITH apps AS (
    SELECT a.application_id, a.item_code, a.enterprise_uscc, a.handler_official_id AS handler, a.status,
           coalesce(a.returns, 0) AS returns, s.department_code AS unit, s.name AS item_name,
           s.time_limit_days AS time_limit, CAST(a.submitted_at AS DATE) AS submitted,
           CASE WHEN a.completed_at IS NOT NULL AND CAST(a.completed_at AS DATE) <= $as_of
                THEN CAST(a.completed_at AS DATE) END AS completed,
           coalesce(a.urgent, FALSE) AS urgent, a.urgent_reason
    FROM applications AS a
    JOIN service_items AS s ON s.item_code = a.item_code
    WHERE a.status <> 'withdrawn' AND s.time_limit_days IS NOT NULL
      AND CAST(a.submitted_at AS DATE) <= $as_of
      AND (a.completed_at IS NOT NULL OR a.status IN ('submitted', 'accepted', 'returned'))
)
SELECT ap.*, ap.completed IS NULL AS pending,
       w2.working_day_index - w1.working_day_index AS used,
       CAST(coalesce(ap.completed, $as_of) - ap.submitted AS BIGINT) AS calendar_days
FROM apps AS ap
JOIN workdays AS w1 ON w1.day = ap.submitted
JOIN workdays AS w2 ON w2.day = coalesce(ap.completed, $as_of)
