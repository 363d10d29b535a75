-- Regional reports at national scale (issue 21): the indicator sums (indicators.h, IndicatorSums) of each
-- county-level division — the 6-digit code in a project's national code — for a locked period, computed at the
-- lock and again after a correction drops them (of its period and of the same period a year later, whose
-- year-on-year base it changed). A region's report adds up its divisions' rows. Derived from audited figures and
-- recomputed at will, so not audited itself.
CREATE TABLE stats.rollup_periods (
  period      text PRIMARY KEY,
  computed_at timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE stats.rollup_periods IS 'not audited: derived from the audited figures';

CREATE TABLE stats.division_rollups (
  period        text NOT NULL REFERENCES stats.rollup_periods ON DELETE CASCADE,
  division      text NOT NULL,
  projects      bigint NOT NULL,
  reported      bigint NOT NULL,
  ytd           bigint NOT NULL,
  last_ytd      bigint NOT NULL,
  plan          bigint NOT NULL,
  ytd_with_plan bigint NOT NULL,
  category_ytd  bigint[] NOT NULL,
  category_last bigint[] NOT NULL,
  PRIMARY KEY (period, division)
);
COMMENT ON TABLE stats.division_rollups IS 'not audited: derived from the audited figures';
