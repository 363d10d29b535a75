-- The provincial package of a locked period, frozen: version 1 at the lock, one more for each correction of the
-- locked period. The package is made from these bytes only, so what was reported stays the same bytes whatever
-- changes later in the registry (names, codes, units). snapshot is a saima.stats.v1.GetProvincialPackageResponse.
CREATE TABLE stats.package_versions (
  period     text NOT NULL REFERENCES stats.period_locks (period),
  version    integer NOT NULL CHECK (version > 0),
  created_at timestamptz NOT NULL DEFAULT now(),
  actor      text NOT NULL,
  reason     text NOT NULL,
  snapshot   bytea NOT NULL,
  sha256     text NOT NULL,
  PRIMARY KEY (period, version)
);
