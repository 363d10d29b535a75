-- Audit (deploy/sql/roles.sql): every table is audited except the copy of the registry's project dimensions and
-- the feed position, which follow the registry's own audited changes.
COMMENT ON TABLE stats.feed_position IS 'not audited: position in the registry change feed';
COMMENT ON TABLE stats.project_dims IS 'not audited: a copy of registry projects, audited there';
