-- Read-your-writes across the stats processes (issue 21): after a caller's write commits, the process that wrote
-- it records here the WAL position the replica must have replayed before that caller reads there; whichever
-- process serves the caller's next read looks it up on the primary (PgPool::ReadTransaction). UNLOGGED: written
-- after every write without a WAL record or a flush of its own; emptied by a crash or a failover, when each
-- process still holds its own callers' positions.
CREATE UNLOGGED TABLE stats.write_positions (
  actor text PRIMARY KEY,
  lsn   pg_lsn NOT NULL
);
COMMENT ON TABLE stats.write_positions IS 'not audited: WAL positions of the callers'' last writes, for replica reads';
