-- Every committed change to projects tells each registry process that the projects it remembers may be out of
-- date (services/registry/project_cache.h). One notification per statement; PostgreSQL folds repeats within a
-- transaction and delivers them at commit.
CREATE FUNCTION registry.notify_projects_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('saima_projects', '');
  RETURN NULL;
END
$$;

CREATE TRIGGER projects_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON registry.projects
  FOR EACH STATEMENT EXECUTE FUNCTION registry.notify_projects_changed();
