-- Seller payouts (issue 9): money collected on the platform's account for marketplace orders
-- reaches each seller. A delivered sub-order's money is released after the hold period
-- (payout_releases, once each), payout runs make one payout per seller, a second admin
-- approves, and the platform account's statement debit confirms each payout.
-- Balances are ledger sums: nothing here stores a balance.

CREATE TABLE payout_runs (
  id TEXT PRIMARY KEY,
  -- One run per cut-off day (Vietnam time): creating it again answers the same run.
  cutoff_date TEXT NOT NULL UNIQUE CHECK (cutoff_date GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]'),
  status TEXT NOT NULL CHECK (status IN ('awaiting_approval', 'approved')),
  -- The settings the run was made with, as they were.
  minimum_amount INTEGER NOT NULL CHECK (typeof(minimum_amount) = 'integer' AND minimum_amount >= 0),
  -- The account the transfers leave from: the platform's collection account.
  source_bank_bin TEXT NOT NULL,
  source_account_no TEXT NOT NULL,
  idempotency_key TEXT NOT NULL UNIQUE,
  created_by TEXT NOT NULL REFERENCES users (id),
  approved_by TEXT REFERENCES users (id),
  approved_at TEXT,
  created_at TEXT NOT NULL,
  -- Four eyes: whoever made the run cannot approve it.
  CHECK (approved_by IS NULL OR approved_by <> created_by)
);
CREATE INDEX payout_runs_created ON payout_runs (created_at);

CREATE TABLE payouts (
  id TEXT PRIMARY KEY,
  -- Travels in the transfer content ("CHOSO PO7KQ2M") and comes back on the statement debit.
  reference TEXT NOT NULL UNIQUE,
  run_id TEXT NOT NULL REFERENCES payout_runs (id),
  organization_id TEXT NOT NULL REFERENCES organizations (id),
  amount INTEGER NOT NULL CHECK (typeof(amount) = 'integer' AND amount > 0),
  -- worker/src/domain/payout-state.ts
  status TEXT NOT NULL CHECK (status IN ('held', 'awaiting_approval', 'approved', 'paid', 'failed')),
  -- Why a payout is held (no bank account): shown to the admin and the seller.
  hold_reason TEXT,
  -- The seller's account as it was when the run was made.
  bank_bin TEXT,
  bank_account_no TEXT,
  bank_account_name TEXT,
  source_account_no TEXT NOT NULL,
  approved_at TEXT,
  paid_at TEXT,
  failed_at TEXT,
  fail_reason TEXT,
  last_event_id TEXT,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  UNIQUE (run_id, organization_id)
);
CREATE INDEX payouts_org_created ON payouts (organization_id, created_at);
CREATE INDEX payouts_status_approved ON payouts (status, approved_at);

-- Append-only history of every payout status change.
CREATE TABLE payout_events (
  id TEXT PRIMARY KEY,
  payout_id TEXT NOT NULL REFERENCES payouts (id),
  event TEXT NOT NULL,
  from_status TEXT,
  to_status TEXT NOT NULL,
  source TEXT NOT NULL CHECK (source IN ('staff', 'bank', 'system')),
  actor_id TEXT REFERENCES users (id),
  data TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(data)),
  created_at TEXT NOT NULL
);
CREATE INDEX payout_events_payout ON payout_events (payout_id, created_at);
CREATE TRIGGER payout_events_no_update BEFORE UPDATE ON payout_events
BEGIN SELECT RAISE(ABORT, 'payout_events is append-only'); END;
CREATE TRIGGER payout_events_no_delete BEFORE DELETE ON payout_events
BEGIN SELECT RAISE(ABORT, 'payout_events is append-only'); END;

-- A delivered sub-order's money, released to its seller once its hold ended: one row per
-- sub-order, written in the batch of its release journal, so it is released exactly once.
CREATE TABLE payout_releases (
  sub_order_id TEXT PRIMARY KEY REFERENCES sub_orders (id),
  organization_id TEXT NOT NULL REFERENCES organizations (id),
  gross INTEGER NOT NULL,
  commission INTEGER NOT NULL,
  journal_id TEXT NOT NULL UNIQUE,
  created_at TEXT NOT NULL
);

-- Debits seen on a statement that carried a payout reference, once per line: a statement
-- imported twice confirms or files nothing the second time.
CREATE TABLE payout_debits (
  account_number TEXT NOT NULL,
  -- The bank's transaction id, or (banks number debits less reliably) date|amount|description.
  debit_key TEXT NOT NULL,
  payout_id TEXT REFERENCES payouts (id),
  amount INTEGER NOT NULL,
  description TEXT NOT NULL,
  booked_at TEXT NOT NULL,
  outcome TEXT NOT NULL CHECK (outcome IN ('confirmed', 'exception', 'ignored')),
  statement_id TEXT REFERENCES statements (id),
  processing_id TEXT NOT NULL,
  created_at TEXT NOT NULL,
  PRIMARY KEY (account_number, debit_key)
);

-- Exceptions about a payout (a debit of the wrong amount, no debit after N days).
ALTER TABLE payment_exceptions ADD COLUMN payout_id TEXT REFERENCES payouts (id);
CREATE INDEX payment_exceptions_payout ON payment_exceptions (payout_id, type);

-- The ledger now also holds journals that belong to no payment: a payout's reservation,
-- confirmation and failure. payment_id becomes nullable and payout_id is added; SQLite cannot
-- relax NOT NULL in place, so the table is rebuilt with its rows, indexes and triggers.
CREATE TABLE ledger_lines_new (
  id INTEGER PRIMARY KEY,
  journal_id TEXT NOT NULL,
  payment_id TEXT REFERENCES payments (id),
  payout_id TEXT REFERENCES payouts (id),
  account TEXT NOT NULL,
  debit INTEGER NOT NULL DEFAULT 0 CHECK (typeof(debit) = 'integer' AND debit >= 0),
  credit INTEGER NOT NULL DEFAULT 0 CHECK (typeof(credit) = 'integer' AND credit >= 0),
  memo TEXT NOT NULL DEFAULT '',
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  CHECK ((debit = 0) <> (credit = 0)),
  CHECK (payment_id IS NOT NULL OR payout_id IS NOT NULL)
);
INSERT INTO ledger_lines_new (id, journal_id, payment_id, account, debit, credit, memo, created_at)
SELECT id, journal_id, payment_id, account, debit, credit, memo, created_at FROM ledger_lines;
DROP TABLE ledger_lines;
ALTER TABLE ledger_lines_new RENAME TO ledger_lines;
CREATE INDEX ledger_lines_payment ON ledger_lines (payment_id);
CREATE INDEX ledger_lines_account ON ledger_lines (account, created_at);
CREATE INDEX ledger_lines_journal ON ledger_lines (journal_id);
CREATE INDEX ledger_lines_payout ON ledger_lines (payout_id);
CREATE TRIGGER ledger_lines_no_update BEFORE UPDATE ON ledger_lines
BEGIN SELECT RAISE(ABORT, 'ledger_lines is append-only'); END;
CREATE TRIGGER ledger_lines_no_delete BEFORE DELETE ON ledger_lines
BEGIN SELECT RAISE(ABORT, 'ledger_lines is append-only'); END;
