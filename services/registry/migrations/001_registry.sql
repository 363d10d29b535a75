-- The registry's tables. Applied by `saima-registry migrate` (or --migrate at start) as role saima_registry,
-- which owns schema registry. Nobody else reads these tables: other services use the change feed.

CREATE TABLE registry.units (
  unit_id     text PRIMARY KEY,
  name        text NOT NULL UNIQUE,
  type        integer NOT NULL,
  region_code text NOT NULL,
  supervises  text NOT NULL DEFAULT '',
  created_at  timestamptz NOT NULL DEFAULT now()
);

-- One row whose value is the last revision handed out. Every change takes it with UPDATE ... RETURNING, which
-- serialises writers: revisions are gap-free and commit in order, so the change feed never skips one.
CREATE TABLE registry.revision_counter (
  singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
  value     bigint NOT NULL
);
INSERT INTO registry.revision_counter VALUES (true, 0);

-- Filterable attributes as columns; the whole record (protobuf JSON mapping) in doc.
CREATE TABLE registry.projects (
  project_id    bigserial PRIMARY KEY,
  project_code  text NOT NULL DEFAULT '',
  unit_id       text NOT NULL REFERENCES registry.units,
  name          text NOT NULL,
  industry_code text NOT NULL,
  sector        integer NOT NULL,
  manufacturing boolean NOT NULL,
  stage         integer NOT NULL,
  planning_year integer NOT NULL,
  tiers         integer[] NOT NULL DEFAULT '{}',
  ruku_state    integer NOT NULL DEFAULT 0,
  revision      bigint NOT NULL,
  request_id    text UNIQUE,
  doc           jsonb NOT NULL,
  created_at    timestamptz NOT NULL,
  updated_at    timestamptz NOT NULL
);
CREATE UNIQUE INDEX projects_code_key ON registry.projects (project_code) WHERE project_code <> '';
CREATE INDEX projects_unit_idx ON registry.projects (unit_id, project_id);
CREATE INDEX projects_year_idx ON registry.projects (planning_year, project_id);
CREATE INDEX projects_tiers_idx ON registry.projects USING gin (tiers);

-- Every change of a project and of what hangs on it: the history and the change feed.
CREATE TABLE registry.project_changes (
  revision   bigint PRIMARY KEY,
  project_id bigint NOT NULL REFERENCES registry.projects,
  kind       integer NOT NULL,
  actor      text NOT NULL,
  request_id text NOT NULL DEFAULT '',
  changed_at timestamptz NOT NULL,
  before     jsonb,
  after      jsonb,
  detail     jsonb
);
CREATE INDEX project_changes_project_idx ON registry.project_changes (project_id, revision);

CREATE TABLE registry.milestones (
  milestone_id bigserial PRIMARY KEY,
  project_id   bigint NOT NULL REFERENCES registry.projects,
  kind         integer NOT NULL,
  title        text NOT NULL DEFAULT '',
  due_date     date NOT NULL,
  met_date     date,
  owner_name   text NOT NULL,
  owner_phone  text NOT NULL DEFAULT '',
  request_id   text UNIQUE
);
CREATE INDEX milestones_project_idx ON registry.milestones (project_id, due_date);

CREATE TABLE registry.documents (
  document_id    bigserial PRIMARY KEY,
  project_id     bigint NOT NULL REFERENCES registry.projects,
  type           integer NOT NULL,
  number         text NOT NULL DEFAULT '',
  issuer         text NOT NULL DEFAULT '',
  issued_date    date,
  content_sha256 text NOT NULL,
  storage_ref    text NOT NULL DEFAULT '',
  explanation    text NOT NULL DEFAULT '',
  taken_at       text NOT NULL DEFAULT '',
  taken_place    text NOT NULL DEFAULT '',
  request_id     text UNIQUE
);
CREATE INDEX documents_project_idx ON registry.documents (project_id, document_id);
