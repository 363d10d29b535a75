-- Audit (deploy/sql/roles.sql): every table is audited except the revision counter, whose every change is a
-- project change already recorded with its row.
COMMENT ON TABLE registry.revision_counter IS 'not audited: a counter bumped with each audited project change';
