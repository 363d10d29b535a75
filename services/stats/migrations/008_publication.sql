-- The bureau publishes a locked period (issue 19): until then its figures are not released outside (SDMX without
-- a token serves only published periods). Audited with the table (003_audit.sql).
ALTER TABLE stats.period_locks ADD COLUMN published_at timestamptz, ADD COLUMN published_by text;
