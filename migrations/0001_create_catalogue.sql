-- Chợ Số foundation: organizations, users, sessions, the OCOP catalogue and its search index.
-- Money is INTEGER whole đồng. Timestamps are ISO-8601 UTC text; dates are YYYY-MM-DD.

CREATE TABLE organizations (
  id TEXT PRIMARY KEY,
  kind TEXT NOT NULL CHECK (kind IN (
    'cooperative', 'cooperative_group', 'enterprise', 'household',
    'market_board', 'school', 'hospital', 'commune_office')),
  name TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  description TEXT NOT NULL DEFAULT '',
  commune TEXT,
  province TEXT,
  address TEXT NOT NULL DEFAULT '',
  phone TEXT NOT NULL DEFAULT '',
  -- Payee account for VietQR: NAPAS BIN, account number, account holder as the bank prints it.
  bank_bin TEXT CHECK (bank_bin IS NULL OR (length(bank_bin) = 6 AND bank_bin NOT GLOB '*[^0-9]*')),
  bank_account_no TEXT CHECK (bank_account_no IS NULL OR (length(bank_account_no) BETWEEN 1 AND 19 AND bank_account_no NOT GLOB '*[^0-9]*')),
  bank_account_name TEXT,
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  -- A producer always says where it is: shoppers filter by commune.
  CHECK (kind NOT IN ('cooperative', 'cooperative_group', 'enterprise', 'household')
         OR (commune IS NOT NULL AND province IS NOT NULL)),
  CHECK ((bank_bin IS NULL) = (bank_account_no IS NULL) AND (bank_bin IS NULL) = (bank_account_name IS NULL))
);
CREATE INDEX organizations_kind_name ON organizations (kind, name);
CREATE INDEX organizations_commune ON organizations (commune);

CREATE TABLE users (
  id TEXT PRIMARY KEY,
  email TEXT NOT NULL UNIQUE COLLATE NOCASE,
  name TEXT NOT NULL,
  role TEXT NOT NULL CHECK (role IN ('shopper', 'seller', 'biller_staff', 'market_manager', 'admin')),
  -- A user belongs to at most one organization.
  organization_id TEXT REFERENCES organizations (id),
  -- "pbkdf2-sha256$<iterations>$<salt b64>$<hash b64>"
  password_hash TEXT NOT NULL,
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
CREATE INDEX users_organization ON users (organization_id);

-- Only the SHA-256 of a session token is stored: a leaked table does not log anyone in.
CREATE TABLE sessions (
  token_hash TEXT PRIMARY KEY,
  user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  expires_at TEXT NOT NULL,
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
CREATE INDEX sessions_user ON sessions (user_id);
CREATE INDEX sessions_expires ON sessions (expires_at);

-- The six OCOP product groups.
CREATE TABLE categories (
  slug TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  position INTEGER NOT NULL
);
INSERT INTO categories (slug, name, position) VALUES
  ('food', 'Thực phẩm', 1),
  ('beverages', 'Đồ uống', 2),
  ('herbs', 'Thảo dược', 3),
  ('textiles', 'Vải và may mặc', 4),
  ('handicrafts', 'Thủ công mỹ nghệ và quà lưu niệm', 5),
  ('tourism', 'Dịch vụ du lịch nông thôn', 6);

CREATE TABLE products (
  -- seq is the rowid the search index joins on; id is the public, unguessable id.
  seq INTEGER PRIMARY KEY,
  id TEXT NOT NULL UNIQUE,
  seller_id TEXT NOT NULL REFERENCES organizations (id),
  name TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  description TEXT NOT NULL DEFAULT '',
  category TEXT NOT NULL REFERENCES categories (slug),
  price INTEGER NOT NULL CHECK (typeof(price) = 'integer' AND price > 0),
  unit TEXT NOT NULL CHECK (length(unit) BETWEEN 1 AND 60),
  stock INTEGER NOT NULL DEFAULT 0 CHECK (typeof(stock) = 'integer' AND stock >= 0),
  status TEXT NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'active', 'archived')),
  -- JSON array of R2 object keys, in display order.
  images TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(images) AND json_type(images) = 'array'),
  -- OCOP certificate; all four are set or none is. Level is derived from stars.
  ocop_stars INTEGER CHECK (ocop_stars IN (3, 4, 5)),
  ocop_certificate_no TEXT,
  ocop_issued_at TEXT,
  ocop_expires_at TEXT,
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  CHECK ((ocop_stars IS NULL) = (ocop_certificate_no IS NULL)
     AND (ocop_stars IS NULL) = (ocop_issued_at IS NULL)
     AND (ocop_stars IS NULL) = (ocop_expires_at IS NULL)),
  CHECK (ocop_expires_at IS NULL OR ocop_expires_at > ocop_issued_at)
);
-- Every catalogue query constrains status (or seller and status), so each has an index to search.
CREATE INDEX products_status_created ON products (status, created_at, id);
CREATE INDEX products_status_price ON products (status, price, id);
CREATE INDEX products_status_category_created ON products (status, category, created_at, id);
CREATE INDEX products_status_stars ON products (status, ocop_stars, ocop_expires_at);
CREATE INDEX products_seller_status_created ON products (seller_id, status, created_at, id);

-- Accent-insensitive search. unicode61 with remove_diacritics 2 folds every Vietnamese
-- tone and vowel mark, but đ/Đ are letters of their own, so the triggers fold them to d.
CREATE VIRTUAL TABLE products_fts USING fts5 (
  name, description, producer,
  tokenize = 'unicode61 remove_diacritics 2'
);

CREATE TRIGGER products_fts_after_insert AFTER INSERT ON products BEGIN
  INSERT INTO products_fts (rowid, name, description, producer) VALUES (
    new.seq,
    replace(replace(new.name, 'đ', 'd'), 'Đ', 'D'),
    replace(replace(new.description, 'đ', 'd'), 'Đ', 'D'),
    (SELECT replace(replace(name, 'đ', 'd'), 'Đ', 'D') FROM organizations WHERE id = new.seller_id));
END;

CREATE TRIGGER products_fts_after_update AFTER UPDATE OF name, description, seller_id ON products BEGIN
  DELETE FROM products_fts WHERE rowid = old.seq;
  INSERT INTO products_fts (rowid, name, description, producer) VALUES (
    new.seq,
    replace(replace(new.name, 'đ', 'd'), 'Đ', 'D'),
    replace(replace(new.description, 'đ', 'd'), 'Đ', 'D'),
    (SELECT replace(replace(name, 'đ', 'd'), 'Đ', 'D') FROM organizations WHERE id = new.seller_id));
END;

CREATE TRIGGER products_fts_after_delete AFTER DELETE ON products BEGIN
  DELETE FROM products_fts WHERE rowid = old.seq;
END;

CREATE TRIGGER organizations_fts_after_rename AFTER UPDATE OF name ON organizations BEGIN
  UPDATE products_fts SET producer = replace(replace(new.name, 'đ', 'd'), 'Đ', 'D')
  WHERE rowid IN (SELECT seq FROM products WHERE seller_id = new.id);
END;

-- Fixed-window counters for rate limits (login attempts now; bill lookups later).
CREATE TABLE rate_limits (
  key TEXT NOT NULL,
  window_start INTEGER NOT NULL,
  count INTEGER NOT NULL,
  PRIMARY KEY (key, window_start)
) WITHOUT ROWID;

-- Rank matches in the name first, then the producer, then the description.
INSERT INTO products_fts (products_fts, rank) VALUES ('rank', 'bm25(10.0, 1.0, 4.0)');
