-- 入库 applications and their history (DOMAIN.md §4). The project's ruku_state mirrors its application's state
-- and changes in the same transaction, so the change feed carries every step to stats.

CREATE TABLE registry.ruku_applications (
  application_id                 bigserial PRIMARY KEY,
  project_id                     bigint NOT NULL REFERENCES registry.projects,
  unit_id                        text NOT NULL,
  state                          integer NOT NULL,
  reviewing_department_id        text NOT NULL REFERENCES registry.units,
  approved_total_investment_yuan bigint NOT NULL,
  approval_unit_name             text NOT NULL DEFAULT '',
  consistency_flags              text[] NOT NULL DEFAULT '{}',
  request_id                     text UNIQUE,
  created_at                     timestamptz NOT NULL DEFAULT now()
);
-- At most one application per project that is not rejected.
CREATE UNIQUE INDEX ruku_one_live_application ON registry.ruku_applications (project_id) WHERE state <> 9;

CREATE TABLE registry.ruku_transitions (
  application_id bigint NOT NULL REFERENCES registry.ruku_applications,
  seq            integer NOT NULL,
  from_state     integer NOT NULL,
  to_state       integer NOT NULL,
  actor          text NOT NULL,
  actor_role     text NOT NULL,
  at             timestamptz NOT NULL DEFAULT now(),
  reason         text NOT NULL DEFAULT '',
  request_id     text UNIQUE,
  PRIMARY KEY (application_id, seq)
);
