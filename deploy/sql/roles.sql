-- One database role and one schema per service (ARCHITECTURE.md): each service owns its schema and nobody
-- reads another's tables. Run by a superuser; safe to run again.
DO $$
DECLARE
  service text;
BEGIN
  FOREACH service IN ARRAY ARRAY['registry', 'stats', 'scoring'] LOOP
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'saima_' || service) THEN
      EXECUTE format('CREATE ROLE %I LOGIN', 'saima_' || service);
    END IF;
    EXECUTE format('CREATE SCHEMA IF NOT EXISTS %I AUTHORIZATION %I', service, 'saima_' || service);
    EXECUTE format('REVOKE ALL ON SCHEMA %I FROM PUBLIC', service);
  END LOOP;
END
$$;
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
