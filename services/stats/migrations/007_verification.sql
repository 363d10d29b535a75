-- 核实性审核 (services/stats/verification_rules.h, docs/verification.md).
--
-- The reporter's 说明 travels with the figure it explains.
ALTER TABLE stats.monthly_reports ADD COLUMN explanation text NOT NULL DEFAULT '';
-- The flags a reported figure raised when it was recorded, with what was seen (in Chinese, with the numbers).
CREATE TABLE stats.figure_flags (
  project_id bigint NOT NULL,
  period     text NOT NULL,
  version    integer NOT NULL,
  rule       integer NOT NULL,
  evidence   text NOT NULL,
  PRIMARY KEY (period, project_id, version, rule)
);
-- The bureau's dismissals, each with its reason: of a figure's flag (subject 'project:<id>', the version that
-- raised it) or of a unit-level flag (subject 'unit:<id>', version 0) for a period.
CREATE TABLE stats.flag_dismissals (
  period       text NOT NULL,
  subject      text NOT NULL,
  rule         integer NOT NULL,
  version      integer NOT NULL,
  actor        text NOT NULL,
  reason       text NOT NULL CHECK (reason <> ''),
  dismissed_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (period, subject, rule, version)
);
