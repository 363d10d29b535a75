-- The stats service's tables (schema stats, role saima_stats).
--
-- Project dimensions are a copy kept from the registry's change feed (WatchProjectChanges): feed_position holds
-- the last revision applied, updated in the same transaction as the copy, so a restart resumes exactly there.

CREATE TABLE stats.feed_position (
  singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
  revision  bigint NOT NULL
);
INSERT INTO stats.feed_position VALUES (true, 0);

CREATE TABLE stats.project_dims (
  project_id            bigint PRIMARY KEY,
  project_code          text NOT NULL DEFAULT '',
  unit_id               text NOT NULL,
  name                  text NOT NULL,
  industry_code         text NOT NULL,
  sector                integer NOT NULL,
  manufacturing         boolean NOT NULL,
  industrial_renovation boolean NOT NULL,
  ownership             integer NOT NULL,
  public_institution    boolean NOT NULL,
  tiers                 integer[] NOT NULL,
  stage                 integer NOT NULL,
  ruku_state            integer NOT NULL,
  ruku_date             date,
  planned_total_yuan    bigint NOT NULL,
  planned_start_date    date,
  actual_start_date     date,
  revision              bigint NOT NULL
);

CREATE TABLE stats.annual_plans (
  project_id   bigint NOT NULL,
  year         integer NOT NULL,
  planned_yuan bigint NOT NULL CHECK (planned_yuan >= 0),
  monthly      bigint[] NOT NULL DEFAULT '{}',
  actor        text NOT NULL,
  updated_at   timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (project_id, year)
);

-- Every version of every figure: kind 1 reported (by the unit), 2 verified (统计局 核定), 3 corrected (after the
-- lock, with a reason). The official figure of a period is the newest verified or corrected version, else the
-- newest reported one.
CREATE TABLE stats.monthly_reports (
  project_id        bigint NOT NULL,
  period            text NOT NULL,
  version           integer NOT NULL,
  kind              integer NOT NULL,
  month_yuan        bigint NOT NULL,
  ytd_yuan          bigint NOT NULL,
  construction_yuan bigint NOT NULL,
  installation_yuan bigint NOT NULL,
  equipment_yuan    bigint NOT NULL,
  other_yuan        bigint NOT NULL,
  since_start_yuan  bigint NOT NULL,
  actor             text NOT NULL,
  recorded_at       timestamptz NOT NULL DEFAULT now(),
  reason            text NOT NULL DEFAULT '',
  PRIMARY KEY (period, project_id, version)
);

-- Request ids of single submissions, so that a retried request returns its first result. Bulk imports carry none,
-- which keeps their COPY free of a second index.
CREATE TABLE stats.report_requests (
  request_id text PRIMARY KEY,
  period     text NOT NULL,
  project_id bigint NOT NULL,
  version    integer NOT NULL
);

CREATE TABLE stats.period_locks (
  period    text PRIMARY KEY,
  locked_at timestamptz NOT NULL DEFAULT now(),
  actor     text NOT NULL
);

-- Peer counties' growth per category, entered by the bureau, for the prefecture ranking.
CREATE TABLE stats.peer_figures (
  region_code              text NOT NULL,
  period                   text NOT NULL,
  category                 integer NOT NULL,
  yoy_growth_milli_percent bigint NOT NULL,
  PRIMARY KEY (period, category, region_code)
);
