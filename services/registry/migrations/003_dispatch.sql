-- 月调度: problems holding projects back, supervision orders (督办) with their history, and meeting decisions.

CREATE TABLE registry.problems (
  problem_id  bigserial PRIMARY KEY,
  project_id  bigint NOT NULL REFERENCES registry.projects,
  unit_id     text NOT NULL,
  opened_date date NOT NULL,
  closed_date date,
  doc         jsonb NOT NULL,
  request_id  text UNIQUE
);
CREATE INDEX problems_by_project ON registry.problems (project_id);
CREATE INDEX problems_by_unit ON registry.problems (unit_id);

CREATE TABLE registry.orders (
  order_id    bigserial PRIMARY KEY,
  project_id  bigint NOT NULL REFERENCES registry.projects,
  unit_id     text NOT NULL,
  state       integer NOT NULL,
  issued_date date NOT NULL,
  doc         jsonb NOT NULL,
  request_id  text UNIQUE
);
CREATE INDEX orders_by_project ON registry.orders (project_id);
CREATE INDEX orders_open ON registry.orders (state) WHERE state <> 3;

CREATE TABLE registry.decisions (
  decision_id bigserial PRIMARY KEY,
  period      text NOT NULL,
  project_id  bigint NOT NULL REFERENCES registry.projects,
  doc         jsonb NOT NULL,
  request_id  text UNIQUE
);
CREATE INDEX decisions_by_period ON registry.decisions (period);
