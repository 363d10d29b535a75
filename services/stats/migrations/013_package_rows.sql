-- The provincial package at national scale (issue 21): a version's rows are stored one per project instead of
-- inside its snapshot, so a lock of millions of projects is frozen as it is read (memory flat) and a county's
-- package is read by its rows alone. A version made so keeps in `snapshot` its header only (period, city
-- indicators, time: a GetProvincialPackageResponse without rows); its sha256 is still that of the whole content,
-- taken over the rows as they were written (package_digest.h), so the hash printed at a lock is unchanged in
-- meaning. Versions made before keep their rows in the snapshot.
ALTER TABLE stats.package_versions
  ADD COLUMN rows_apart boolean NOT NULL DEFAULT false,
  -- Its rows (stored apart or in the snapshot); null for a version made before it was kept.
  ADD COLUMN row_count bigint,
  -- SHA-256 of the content without the freeze time, to see whether a new freeze changes anything.
  ADD COLUMN content_sha256 text;

-- One counted project of a version, in 项目代码 order (place), with its county-level division (the 6 digits of
-- its national code; '' when it has none): a saima.stats.v1.PackageRow serialized deterministically.
CREATE TABLE stats.package_rows (
  period   text NOT NULL,
  version  integer NOT NULL,
  place    integer NOT NULL,
  division text NOT NULL,
  row      bytea NOT NULL,
  -- No foreign key to stats.package_versions: its check would be one trigger event per row of millions; the
  -- rows and their version are written in one transaction, and versions are never deleted.
  PRIMARY KEY (period, version, place)
);
CREATE INDEX package_rows_by_division ON stats.package_rows (period, version, division, place);
COMMENT ON TABLE stats.package_rows IS
  'not audited: each row is covered by its version''s sha256, audited with stats.package_versions';

-- The indicator sums of each county-level division in a version, from the same snapshot as its rows (the columns
-- of stats.division_rollups): a county's package carries its own indicators.
CREATE TABLE stats.package_divisions (
  version integer NOT NULL,
  LIKE stats.division_rollups,
  PRIMARY KEY (period, version, division)
);
COMMENT ON TABLE stats.package_divisions IS 'not audited: derived at the freeze from the audited figures';
