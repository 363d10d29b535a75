-- An import is audited as one entry, not one per row (issue 21): its rows carry the import's id and their place
-- in it, and the import's own row here — written through the audit trigger, so chained at commit with who, when,
-- the request id and the client — holds the RFC 6962 Merkle root over its rows in that order. A row is proved
-- by its audit path to that root (StatsService.ProveMonthlyReport); `audit verify` recomputes every root from the
-- stored rows, so a row changed, added or removed behind the service breaks it. Updates and deletes of figures,
-- and every figure written one at a time, are still audited row by row.
CREATE TABLE stats.imports (
  import_id   bigint PRIMARY KEY,
  actor       text NOT NULL,
  row_count   bigint NOT NULL CHECK (row_count > 0),
  merkle_root text NOT NULL CHECK (merkle_root ~ '^[0-9a-f]{64}$'),
  imported_at timestamptz NOT NULL DEFAULT now()
);
CREATE SEQUENCE stats.import_ids OWNED BY stats.imports.import_id;

ALTER TABLE stats.monthly_reports ADD COLUMN import_id bigint, ADD COLUMN import_row bigint,
  ADD CONSTRAINT import_row_with_id CHECK ((import_id IS NULL) = (import_row IS NULL));

DROP TRIGGER IF EXISTS audit ON stats.monthly_reports;
CREATE TRIGGER audit AFTER UPDATE OR DELETE ON stats.monthly_reports
  FOR EACH ROW EXECUTE FUNCTION audit.record();
CREATE TRIGGER audit_insert AFTER INSERT ON stats.monthly_reports
  FOR EACH ROW WHEN (NEW.import_id IS NULL) EXECUTE FUNCTION audit.record();
