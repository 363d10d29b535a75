-- People, their sessions and the API keys of other systems (proto/saima/auth/v1). Secrets are stored only as
-- hashes: passwords as Argon2id strings, refresh tokens and API key secrets as SHA-256 (they are random and long).
-- The audit log leaves the hash columns out (deploy/sql/roles.sql).
CREATE TABLE registry.users (
  user_id       text PRIMARY KEY,
  display_name  text NOT NULL,
  role          text NOT NULL,
  unit_id       text NOT NULL DEFAULT '',
  password_hash text NOT NULL,
  disabled      boolean NOT NULL DEFAULT false,
  created_at    timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE registry.sessions (
  session_id   text PRIMARY KEY,
  user_id      text NOT NULL REFERENCES registry.users,
  refresh_hash text NOT NULL UNIQUE,
  created_at   timestamptz NOT NULL DEFAULT now(),
  refreshed_at timestamptz NOT NULL DEFAULT now(),
  expires_at   timestamptz NOT NULL,
  revoked_at   timestamptz
);
CREATE INDEX sessions_by_user ON registry.sessions (user_id);

CREATE TABLE registry.api_keys (
  key_id      text PRIMARY KEY,
  name        text NOT NULL,
  scopes      text[] NOT NULL,
  secret_hash text NOT NULL,
  created_by  text NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now(),
  revoked_at  timestamptz,
  request_id  text UNIQUE
);
