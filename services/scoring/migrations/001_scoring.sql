-- The scoring service's tables: campaigns and their settings. Sheets and results come with the contest issue.

CREATE TABLE scoring.campaigns (
  campaign_id bigserial PRIMARY KEY,
  year        integer NOT NULL,
  name        text NOT NULL,
  doc         jsonb NOT NULL,
  published   boolean NOT NULL DEFAULT false,
  request_id  text UNIQUE,
  created_at  timestamptz NOT NULL DEFAULT now()
);
