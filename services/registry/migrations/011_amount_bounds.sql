-- Amounts are whole 元 from 0 to 10^14 (common/money.h): the database refuses what the service refuses.
ALTER TABLE registry.ruku_applications ADD CONSTRAINT approved_in_range
  CHECK (approved_total_investment_yuan BETWEEN 0 AND 100000000000000) NOT VALID;
ALTER TABLE registry.projects ADD CONSTRAINT planned_total_in_range
  CHECK ((doc ->> 'planned_total_investment_yuan') IS NULL OR
         (doc ->> 'planned_total_investment_yuan')::numeric BETWEEN 0 AND 100000000000000) NOT VALID;
