-- Revocations the gateways follow (AuthService.WatchRevocations): a session ended, a person disabled or changed,
-- an API key revoked. The sequence is taken from a one-row counter with UPDATE ... RETURNING, which serialises
-- writers: sequences commit in order, so a follower that resumes after the last one it applied misses none.
CREATE TABLE registry.revocation_counter (
  singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
  last_sequence bigint NOT NULL
);
INSERT INTO registry.revocation_counter VALUES (true, 0);
COMMENT ON TABLE registry.revocation_counter IS 'not audited: a counter bumped with each audited revocation';

CREATE TABLE registry.revocations (
  sequence   bigint PRIMARY KEY,
  -- saima.auth.v1.RevocationKind.
  kind       smallint NOT NULL,
  -- The session id, user id or API key id.
  subject    text NOT NULL,
  -- Tokens issued before this instant are refused (USER); when it happened (the others).
  revoked_at timestamptz NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX revocations_by_time ON registry.revocations (revoked_at);

-- Refresh tokens already exchanged, kept while their session could still be refreshed: presenting one again
-- means it was copied, and ends the session (RFC 6819 §5.2.2.3).
CREATE TABLE registry.spent_refresh_tokens (
  refresh_hash text PRIMARY KEY,
  session_id   text NOT NULL REFERENCES registry.sessions,
  spent_at     timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX spent_refresh_tokens_by_time ON registry.spent_refresh_tokens (spent_at);
