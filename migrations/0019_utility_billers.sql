-- Utility billers: electricity and water companies bill households by customer code.
-- SQLite cannot change a CHECK in place, so organizations and bills are rebuilt with the
-- same columns, indexes and triggers and the new kind and bill types added.
--
-- Other tables reference both, and D1 enforces foreign keys in every migration. Dropping a
-- parent counts one deferred violation per child row; inserting the parent rows again into
-- a table of the same name counts each back, so the rows are saved aside, the table is
-- dropped and created again under its own name, and the rows are inserted back. (The
-- usual create-new, drop-old, rename sequence leaves the count raised and fails at commit
-- on D1: the rows were inserted before their table had the name the children refer to.)

PRAGMA defer_foreign_keys = true;

CREATE TABLE organizations_saved AS SELECT * FROM organizations;
DROP TABLE organizations;

CREATE TABLE organizations (
  id TEXT PRIMARY KEY,
  kind TEXT NOT NULL CHECK (kind IN (
    'cooperative', 'cooperative_group', 'enterprise', 'household',
    'market_board', 'school', 'hospital', 'commune_office', 'utility')),
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
INSERT INTO organizations (id, kind, name, description, commune, province, address, phone,
  bank_bin, bank_account_no, bank_account_name, created_at)
SELECT id, kind, name, description, commune, province, address, phone,
  bank_bin, bank_account_no, bank_account_name, created_at FROM organizations_saved;
DROP TABLE organizations_saved;
CREATE INDEX organizations_kind_name ON organizations (kind, name);
CREATE INDEX organizations_commune ON organizations (commune);

CREATE TABLE bills_saved AS SELECT * FROM bills;
DROP TABLE bills;

CREATE TABLE bills (
  id TEXT PRIMARY KEY,
  -- Printed on paper and read aloud; carries a check character (worker/src/domain/codes.ts).
  code TEXT NOT NULL UNIQUE,
  biller_id TEXT NOT NULL REFERENCES organizations (id),
  type TEXT NOT NULL CHECK (type IN ('market_fee', 'tuition', 'hospital', 'admin_fee', 'electricity', 'water')),
  payer_name TEXT NOT NULL,
  payer_ref TEXT NOT NULL,
  description TEXT NOT NULL,
  amount INTEGER NOT NULL CHECK (typeof(amount) = 'integer' AND amount > 0),
  due_date TEXT NOT NULL,
  status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'paid', 'cancelled')),
  paid_at TEXT,
  payment_id TEXT,
  created_by TEXT REFERENCES users (id),
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  stall_id TEXT REFERENCES stalls (id),
  fee_run_id TEXT REFERENCES fee_runs (id),
  import_key TEXT,
  payer_group TEXT,
  payer_phone TEXT,
  bill_run_id TEXT REFERENCES bill_runs (id)
);
INSERT INTO bills (id, code, biller_id, type, payer_name, payer_ref, description, amount,
  due_date, status, paid_at, payment_id, created_by, created_at, updated_at, stall_id, fee_run_id,
  import_key, payer_group, payer_phone, bill_run_id)
SELECT id, code, biller_id, type, payer_name, payer_ref, description, amount,
  due_date, status, paid_at, payment_id, created_by, created_at, updated_at, stall_id, fee_run_id,
  import_key, payer_group, payer_phone, bill_run_id FROM bills_saved;
DROP TABLE bills_saved;
CREATE INDEX bills_biller_created ON bills (biller_id, created_at, id);
CREATE INDEX bills_biller_status_created ON bills (biller_id, status, created_at, id);
CREATE UNIQUE INDEX bills_one_per_stall_run ON bills (fee_run_id, stall_id) WHERE fee_run_id IS NOT NULL;
CREATE INDEX bills_stall_status ON bills (stall_id, status, due_date);
CREATE UNIQUE INDEX bills_biller_import_key ON bills (biller_id, import_key) WHERE import_key IS NOT NULL;
CREATE INDEX bills_biller_payer_status ON bills (biller_id, payer_ref, status);
CREATE INDEX bills_bill_run_status ON bills (bill_run_id, status);

-- The triggers on organizations went with the table; as 0009, 0015 and 0017 last wrote them.
CREATE TRIGGER organizations_fts_after_rename AFTER UPDATE OF name, commune ON organizations BEGIN
  UPDATE products_fts SET
    producer = replace(replace(new.name, 'đ', 'd'), 'Đ', 'D'),
    commune = replace(replace(new.commune, 'đ', 'd'), 'Đ', 'D')
  WHERE rowid IN (SELECT seq FROM products WHERE seller_id = new.id);
  UPDATE products_fts_exact SET producer = new.name, commune = new.commune
  WHERE rowid IN (SELECT seq FROM products WHERE seller_id = new.id);
END;

CREATE TRIGGER catalogue_version_organization_insert AFTER INSERT ON organizations BEGIN
  UPDATE catalogue_version SET version = lower(hex(randomblob(8))) WHERE id = 1;
END;

CREATE TRIGGER catalogue_version_organization_update AFTER UPDATE ON organizations BEGIN
  UPDATE catalogue_version SET version = lower(hex(randomblob(8))) WHERE id = 1;
END;

CREATE TRIGGER catalogue_facets_organization_commune
AFTER UPDATE OF commune ON organizations WHEN OLD.commune IS NOT NEW.commune BEGIN
  UPDATE catalogue_facet_summary SET communes = CASE WHEN json_extract(communes, '$."' || 'x' || hex(OLD.commune) || '"') > moved.n THEN json_set(communes, '$."' || 'x' || hex(OLD.commune) || '"', json_extract(communes, '$."' || 'x' || hex(OLD.commune) || '"') - moved.n) ELSE json_remove(communes, '$."' || 'x' || hex(OLD.commune) || '"') END
  FROM (SELECT count(*) AS n FROM products p WHERE p.seller_id = NEW.id AND p.status = 'active' AND p.hidden_at IS NULL) AS moved
  WHERE catalogue_facet_summary.id = 1 AND moved.n > 0 AND OLD.commune IS NOT NULL;
  UPDATE catalogue_facet_summary SET communes = json_set(communes, '$."' || 'x' || hex(NEW.commune) || '"', coalesce(json_extract(communes, '$."' || 'x' || hex(NEW.commune) || '"'), 0) + moved.n)
  FROM (SELECT count(*) AS n FROM products p WHERE p.seller_id = NEW.id AND p.status = 'active' AND p.hidden_at IS NULL) AS moved
  WHERE catalogue_facet_summary.id = 1 AND moved.n > 0 AND NEW.commune IS NOT NULL;
END;
