-- The stats service's tables. Project dimensions are a copy kept from the registry's change feed
-- (WatchProjectChanges); feed_position holds the last revision applied, in the same transaction as the copy.

CREATE TABLE stats.feed_position (
  singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
  revision  bigint NOT NULL
);
INSERT INTO stats.feed_position VALUES (true, 0);

CREATE TABLE stats.project_dims (
  project_id    bigint PRIMARY KEY,
  unit_id       text NOT NULL,
  doc           jsonb NOT NULL,
  revision      bigint NOT NULL
);
