-- late_matters: the matters of matter_times past their statutory limit (the evidence overdue_matters
-- names for a handler × item it flags). A province has a million timed matters and a tenth of them
-- late; the rule reads these instead of every timed matter.
-- Each row comes from one timed row of matter_times, by application: a kept copy follows the matters
-- matter_times re-times after an import by looking at those alone.
-- @patch matter_times.application_id
SELECT * FROM matter_times WHERE used > time_limit
