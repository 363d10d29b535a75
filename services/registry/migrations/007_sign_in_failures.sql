-- Failed sign-ins per account: after too many in a row the account is locked for a while (accounts.cc).
ALTER TABLE registry.users ADD COLUMN failed_sign_ins integer NOT NULL DEFAULT 0;
ALTER TABLE registry.users ADD COLUMN last_failed_at timestamptz;
