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

-- The audit log (issue 7). Every row written in a service's schema appends an entry here in the same
-- transaction (who, when, what, before and after, request id, client address); at commit the entries are
-- chained per service, each holding the SHA-256 of the one before. The schema and its functions belong to
-- saima_auditor, which nobody logs in as: the services' roles may read their own entries and nothing else, so
-- they can neither UPDATE, DELETE nor forge one, and a service cannot drop what it does not own.
DO $$
BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'saima_auditor') THEN
    CREATE ROLE saima_auditor NOLOGIN;
  END IF;
END
$$;
CREATE SCHEMA IF NOT EXISTS audit AUTHORIZATION saima_auditor;
REVOKE ALL ON SCHEMA audit FROM PUBLIC;
GRANT USAGE ON SCHEMA audit TO saima_registry, saima_stats, saima_scoring;
SET ROLE saima_auditor;

CREATE TABLE IF NOT EXISTS audit.entries (
  id bigserial PRIMARY KEY,
  service text NOT NULL,             -- the schema written: registry, stats or scoring
  seq bigint,                        -- position in the service's chain, set at commit
  at timestamptz NOT NULL,
  actor text NOT NULL,               -- user id, or system:<service> for background work
  role text NOT NULL,
  request_id text NOT NULL,
  client text NOT NULL,              -- the address the request came from, as the gateway saw it
  operation text NOT NULL,           -- INSERT, UPDATE or DELETE
  table_name text NOT NULL,
  before jsonb,
  after jsonb,
  prev_hash bytea,
  hash bytea,
  UNIQUE (service, seq)
);
CREATE INDEX IF NOT EXISTS entries_by_table ON audit.entries (service, table_name, id);

-- The start of each service's chain (seq 0 and its genesis hash); the chain itself is the entries.
CREATE TABLE IF NOT EXISTS audit.heads (
  service text PRIMARY KEY,
  seq bigint NOT NULL,
  hash bytea NOT NULL
);
INSERT INTO audit.heads
SELECT s, 0, sha256(convert_to('saima audit chain ' || s, 'UTF8')) FROM unnest(ARRAY['registry', 'stats', 'scoring']) s
ON CONFLICT DO NOTHING;

-- The text an entry's hash covers; `saimactl audit verify` recomputes it.
CREATE OR REPLACE FUNCTION audit.canonical(e audit.entries) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
  SELECT concat_ws(E'\x1f', e.service, e.seq::text, to_char(e.at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US'),
                   e.actor, e.role, e.request_id, e.client, e.operation, e.table_name,
                   coalesce(e.before::text, '-'), coalesce(e.after::text, '-'), encode(e.prev_hash, 'hex'))
$$;

-- Row trigger on every audited table (attached by audit.attach at each migration). Columns holding hashes of
-- secrets are left out.
CREATE OR REPLACE FUNCTION audit.record() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
BEGIN
  IF TG_OP = 'UPDATE' AND OLD IS NOT DISTINCT FROM NEW THEN
    RETURN NULL;  -- nothing changed
  END IF;
  INSERT INTO audit.entries (service, at, actor, role, request_id, client, operation, table_name, before, after)
  VALUES (TG_TABLE_SCHEMA, now(),
          coalesce(nullif(current_setting('saima.actor', true), ''), 'system:' || TG_TABLE_SCHEMA),
          coalesce(nullif(current_setting('saima.role', true), ''), 'system'),
          coalesce(nullif(current_setting('saima.request_id', true), ''), '-'),
          coalesce(nullif(current_setting('saima.client', true), ''), '-'),
          TG_OP, TG_TABLE_NAME,
          CASE WHEN TG_OP <> 'INSERT' THEN to_jsonb(OLD) - ARRAY['password_hash', 'refresh_hash', 'secret_hash'] END,
          CASE WHEN TG_OP <> 'DELETE' THEN to_jsonb(NEW) - ARRAY['password_hash', 'refresh_hash', 'secret_hash'] END);
  RETURN NULL;
END
$$;

-- At commit: the entry takes the next place in its service's chain, after the newest chained entry (or the chain's
-- start in audit.heads). An advisory lock per service orders concurrent commits; it is taken only here, after the
-- transaction's own work, so it cannot join a deadlock. The newest entry is found through the (service, seq) index:
-- updating one head row for every entry instead made a transaction's commit quadratic in its entries (each update
-- of a row the same transaction updated before walks all its earlier versions).
CREATE OR REPLACE FUNCTION audit.chain() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
  e audit.entries;
  last_seq bigint;
  last_hash bytea;
BEGIN
  PERFORM pg_advisory_xact_lock(hashtext('saima.audit.chain'), hashtext(NEW.service));
  SELECT seq, hash INTO last_seq, last_hash FROM audit.entries
   WHERE service = NEW.service AND seq IS NOT NULL ORDER BY seq DESC LIMIT 1;
  IF last_seq IS NULL THEN
    SELECT seq, hash INTO last_seq, last_hash FROM audit.heads WHERE service = NEW.service;
  END IF;
  e := NEW;
  e.seq := last_seq + 1;
  e.prev_hash := last_hash;
  e.hash := sha256(convert_to(audit.canonical(e), 'UTF8'));
  UPDATE audit.entries SET seq = e.seq, prev_hash = e.prev_hash, hash = e.hash WHERE id = NEW.id;
  RETURN NULL;
END
$$;

-- Chained entries never change, whoever asks (short of a superuser switching triggers off).
CREATE OR REPLACE FUNCTION audit.append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE' AND OLD.hash IS NULL AND OLD.before IS NOT DISTINCT FROM NEW.before
     AND OLD.after IS NOT DISTINCT FROM NEW.after AND OLD.actor = NEW.actor THEN
    RETURN NEW;
  END IF;
  RAISE EXCEPTION 'audit entries are append-only' USING ERRCODE = 'insufficient_privilege';
END
$$;

DROP TRIGGER IF EXISTS chain ON audit.entries;
CREATE CONSTRAINT TRIGGER chain AFTER INSERT ON audit.entries DEFERRABLE INITIALLY DEFERRED
  FOR EACH ROW EXECUTE FUNCTION audit.chain();
DROP TRIGGER IF EXISTS append_only ON audit.entries;
CREATE TRIGGER append_only BEFORE UPDATE OR DELETE ON audit.entries FOR EACH ROW EXECUTE FUNCTION audit.append_only();
DROP TRIGGER IF EXISTS no_truncate ON audit.entries;
CREATE TRIGGER no_truncate BEFORE TRUNCATE ON audit.entries FOR EACH STATEMENT EXECUTE FUNCTION audit.append_only();

-- Each service reads its own entries only.
ALTER TABLE audit.entries ENABLE ROW LEVEL SECURITY;
DROP POLICY IF EXISTS own_entries ON audit.entries;
CREATE POLICY own_entries ON audit.entries FOR SELECT USING (service = substr(current_user, 7));
REVOKE ALL ON audit.entries, audit.heads FROM PUBLIC;
GRANT SELECT ON audit.entries TO saima_registry, saima_stats, saima_scoring;

-- Attaches the audit trigger to every table of `schema` that lacks it, except those whose comment begins with
-- 'not audited'. Runs as the calling service (which owns its tables) after each migration.
CREATE OR REPLACE FUNCTION audit.attach(target text) RETURNS integer
LANGUAGE plpgsql SECURITY INVOKER AS $$
DECLARE
  t record;
  attached integer := 0;
BEGIN
  FOR t IN
    SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = target AND c.relkind IN ('r', 'p') AND c.relname <> 'schema_migrations'
      AND coalesce(obj_description(c.oid, 'pg_class'), '') NOT LIKE 'not audited%'
      AND NOT EXISTS (SELECT FROM pg_trigger g WHERE g.tgrelid = c.oid AND g.tgname = 'audit')
  LOOP
    EXECUTE format('CREATE TRIGGER audit AFTER INSERT OR UPDATE OR DELETE ON %I.%I FOR EACH ROW '
                   'EXECUTE FUNCTION audit.record()', target, t.relname);
    attached := attached + 1;
  END LOOP;
  RETURN attached;
END
$$;
GRANT EXECUTE ON FUNCTION audit.attach(text) TO saima_registry, saima_stats, saima_scoring;
RESET ROLE;
