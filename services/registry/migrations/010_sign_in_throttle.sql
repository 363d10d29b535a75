-- Failed sign-ins, counted per account and client address together, and per client address (accounts.cc). The
-- count is taken before the password is checked, in one statement, so that concurrent attempts cannot pass the
-- limit; an unknown account is counted like a known one, so that the answers do not tell them apart; and an
-- outsider who names an account locks it only from their own address.
CREATE TABLE registry.sign_in_failures (
  key          text PRIMARY KEY,  -- SHA-256 of what is counted
  failures     integer NOT NULL,
  window_start timestamptz NOT NULL
);
COMMENT ON TABLE registry.sign_in_failures IS 'not audited: counters; a failure of a known account is its own audited event (users.last_failed_at)';
ALTER TABLE registry.users DROP COLUMN failed_sign_ins;
