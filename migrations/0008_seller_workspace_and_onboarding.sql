-- Issue 9: the seller's products workspace, admin onboarding of organizations and their staff,
-- and moderation of the public catalogue. Only columns are added and new tables created: no
-- existing table is rebuilt and no CHECK list changes.

-- A product an admin took out of the public catalogue, and why. Its seller still sees it, with
-- the reason; its status (draft/active/archived) is the seller's and stays as it was.
ALTER TABLE products ADD COLUMN hidden_reason TEXT
  CHECK (hidden_reason IS NULL OR length(hidden_reason) BETWEEN 1 AND 500);
ALTER TABLE products ADD COLUMN hidden_at TEXT;
-- The moderation page lists the hidden products from this small partial index.
CREATE INDEX products_hidden ON products (hidden_at) WHERE hidden_at IS NOT NULL;

-- Append-only history of hiding and unhiding: who, when and why.
CREATE TABLE product_moderation_events (
  id TEXT PRIMARY KEY,
  product_id TEXT NOT NULL REFERENCES products (id),
  action TEXT NOT NULL CHECK (action IN ('hide', 'unhide')),
  reason TEXT,
  actor_user_id TEXT NOT NULL REFERENCES users (id),
  created_at TEXT NOT NULL
);
CREATE INDEX product_moderation_events_product ON product_moderation_events (product_id, created_at);

-- A deactivated member can no longer sign in; their sessions are deleted in the same batch.
ALTER TABLE users ADD COLUMN deactivated_at TEXT;

-- One-time links to set a password, handed over by the admin who added the member (there is
-- no e-mail sending). Only the SHA-256 of the token is stored; used_at makes it single use, and
-- revoked_at ends a link that a newer one replaced or whose member was deactivated.
CREATE TABLE password_setup_tokens (
  token_hash TEXT PRIMARY KEY,
  user_id TEXT NOT NULL REFERENCES users (id),
  created_by TEXT NOT NULL REFERENCES users (id),
  expires_at TEXT NOT NULL,
  used_at TEXT,
  revoked_at TEXT,
  created_at TEXT NOT NULL
);
CREATE INDEX password_setup_tokens_user ON password_setup_tokens (user_id);

-- Idempotency-Key → what an admin creation made (an organization or a member). The key row and
-- the object are written in one batch, so a retried request never creates a second one.
CREATE TABLE admin_idempotency_keys (
  scope_key TEXT PRIMARY KEY,
  request_hash TEXT NOT NULL,
  object_id TEXT NOT NULL,
  created_at TEXT NOT NULL
);
