-- One connection per collection account and source: how an aggregator (SePay, Casso,
-- VietQR.vn) or a signer of our own JSON tells us of credits on that account. Credentials are
-- AES-GCM ciphertext (worker/src/domain/connection-crypto.ts), never plain text; only their
-- last four characters are kept readable, to tell connections apart.
CREATE TABLE bank_connections (
  id TEXT PRIMARY KEY,
  -- The organization whose account it is; NULL for the platform's own account.
  organization_id TEXT REFERENCES organizations (id),
  account_number TEXT NOT NULL CHECK (length(account_number) BETWEEN 1 AND 19),
  provider TEXT NOT NULL CHECK (provider IN ('sepay', 'casso', 'vietqr_vn', 'signed_json')),
  credentials_ciphertext TEXT NOT NULL,
  -- {"apiKey": "…a1b2"}: the last 4 characters of each credential, for the list.
  credential_hints TEXT NOT NULL,
  status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'disabled')),
  -- Idempotency-Key of the creating request (scoped by user), and a hash of its body.
  idempotency_scope TEXT NOT NULL UNIQUE,
  request_hash TEXT NOT NULL,
  created_by TEXT NOT NULL REFERENCES users (id),
  created_at TEXT NOT NULL,
  disabled_at TEXT,
  disabled_by TEXT REFERENCES users (id)
);
CREATE INDEX bank_connections_organization ON bank_connections (organization_id, created_at);
CREATE INDEX bank_connections_account ON bank_connections (account_number);
