-- Amounts are whole 元 from 0 to 10^14 (common/money.h, kMaxAmountYuan): the database refuses what the service
-- refuses. NOT VALID: a row stored before is kept as it was (a correction supersedes it, and every total is added
-- up with a check, so such a row makes a report fail with a message naming it rather than wrap); new rows are
-- checked.
ALTER TABLE stats.monthly_reports ADD CONSTRAINT amounts_in_range CHECK (
  month_yuan BETWEEN 0 AND 100000000000000 AND ytd_yuan BETWEEN 0 AND 100000000000000 AND
  construction_yuan BETWEEN 0 AND 100000000000000 AND installation_yuan BETWEEN 0 AND 100000000000000 AND
  equipment_yuan BETWEEN 0 AND 100000000000000 AND other_yuan BETWEEN 0 AND 100000000000000 AND
  since_start_yuan BETWEEN 0 AND 100000000000000) NOT VALID;
ALTER TABLE stats.annual_plans ADD CONSTRAINT planned_in_range CHECK (planned_yuan <= 100000000000000) NOT VALID;
