-- An import reads the dims of every project (issue 21). saima-stats keeps the last read and, when the change feed
-- has moved since, reads only the projects changed after it: by this index rather than a scan of the whole table.
CREATE INDEX IF NOT EXISTS project_dims_by_revision ON stats.project_dims (revision);
