-- The contest: judges, nominations, score sheets, results frozen on publication, and an event log of every write.

ALTER TABLE scoring.campaigns ADD COLUMN selection_final boolean NOT NULL DEFAULT false;

CREATE TABLE scoring.judges (
  campaign_id bigint NOT NULL REFERENCES scoring.campaigns,
  judge_id    text NOT NULL,
  doc         jsonb NOT NULL,
  PRIMARY KEY (campaign_id, judge_id)
);

CREATE TABLE scoring.nominations (
  nomination_id bigserial PRIMARY KEY,
  campaign_id   bigint NOT NULL REFERENCES scoring.campaigns,
  project_id    bigint NOT NULL,
  state         integer NOT NULL,
  doc           jsonb NOT NULL,
  request_id    text UNIQUE,
  UNIQUE (campaign_id, project_id)
);
CREATE INDEX nominations_by_project ON scoring.nominations (project_id);

CREATE TABLE scoring.score_sheets (
  campaign_id bigint NOT NULL REFERENCES scoring.campaigns,
  judge_id    text NOT NULL,
  unit_id     text NOT NULL,
  submitted   boolean NOT NULL DEFAULT false,
  doc         jsonb NOT NULL,
  updated_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (campaign_id, judge_id, unit_id)
);

-- The latest computed results of a campaign; once published the row never changes again.
CREATE TABLE scoring.results (
  campaign_id  bigint PRIMARY KEY REFERENCES scoring.campaigns,
  published    boolean NOT NULL DEFAULT false,
  published_at timestamptz,
  publisher    text,
  doc          jsonb NOT NULL
);

CREATE TABLE scoring.events (
  event_id    bigserial PRIMARY KEY,
  campaign_id bigint NOT NULL,
  actor       text NOT NULL,
  action      text NOT NULL,
  detail      jsonb NOT NULL,
  at          timestamptz NOT NULL DEFAULT now()
);
