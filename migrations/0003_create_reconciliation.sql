-- Markets and reconciliation: markets and stalls with their monthly fees, fee runs,
-- imported bank statements, the exceptions' resolution log, closed days and adjustments.

CREATE TABLE markets (
  id TEXT PRIMARY KEY,
  board_id TEXT NOT NULL REFERENCES organizations (id),
  name TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  address TEXT NOT NULL DEFAULT '',
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
CREATE INDEX markets_board ON markets (board_id, name);

CREATE TABLE stalls (
  id TEXT PRIMARY KEY,
  market_id TEXT NOT NULL REFERENCES markets (id),
  code TEXT NOT NULL CHECK (length(code) BETWEEN 1 AND 20),
  trader_name TEXT NOT NULL DEFAULT '',
  trader_phone TEXT NOT NULL DEFAULT '',
  monthly_fee INTEGER NOT NULL CHECK (typeof(monthly_fee) = 'integer' AND monthly_fee > 0),
  status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'vacant')),
  -- Printed in the stall's static QR: a transfer carrying it pays the stall's oldest open bill.
  reference TEXT NOT NULL UNIQUE,
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  UNIQUE (market_id, code)
);

CREATE TABLE fee_runs (
  id TEXT PRIMARY KEY,
  market_id TEXT NOT NULL REFERENCES markets (id),
  period TEXT NOT NULL CHECK (period GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]'),
  bills_created INTEGER NOT NULL DEFAULT 0,
  total_amount INTEGER NOT NULL DEFAULT 0,
  created_by TEXT REFERENCES users (id),
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  UNIQUE (market_id, period)
);

ALTER TABLE bills ADD COLUMN stall_id TEXT REFERENCES stalls (id);
ALTER TABLE bills ADD COLUMN fee_run_id TEXT REFERENCES fee_runs (id);
-- One fee bill per stall per run, whatever retries happen.
CREATE UNIQUE INDEX bills_one_per_stall_run ON bills (fee_run_id, stall_id) WHERE fee_run_id IS NOT NULL;
CREATE INDEX bills_stall_status ON bills (stall_id, status, due_date);

CREATE TABLE statements (
  id TEXT PRIMARY KEY,
  organization_id TEXT REFERENCES organizations (id),
  account_number TEXT NOT NULL,
  file_name TEXT NOT NULL DEFAULT '',
  format TEXT NOT NULL,
  first_date TEXT,
  last_date TEXT,
  summary TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(summary)),
  imported_by TEXT REFERENCES users (id),
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
CREATE INDEX statements_org ON statements (organization_id, created_at);

ALTER TABLE bank_credits ADD COLUMN statement_id TEXT REFERENCES statements (id);

ALTER TABLE payment_exceptions ADD COLUMN statement_id TEXT REFERENCES statements (id);

-- Who resolved which exception, when, how and why. Append-only.
CREATE TABLE exception_resolutions (
  id TEXT PRIMARY KEY,
  exception_id TEXT NOT NULL UNIQUE REFERENCES payment_exceptions (id),
  action TEXT NOT NULL CHECK (action IN ('match', 'refund', 'dismiss')),
  payment_id TEXT REFERENCES payments (id),
  refund_id TEXT REFERENCES refunds (id),
  note TEXT NOT NULL DEFAULT '',
  resolved_by TEXT NOT NULL REFERENCES users (id),
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
CREATE TRIGGER exception_resolutions_no_update BEFORE UPDATE ON exception_resolutions
BEGIN SELECT RAISE(ABORT, 'exception_resolutions is append-only'); END;
CREATE TRIGGER exception_resolutions_no_delete BEFORE DELETE ON exception_resolutions
BEGIN SELECT RAISE(ABORT, 'exception_resolutions is append-only'); END;

-- A closed day is frozen: its totals are kept as they were, and later corrections are
-- adjustments dated the day they are made.
CREATE TABLE closed_days (
  account_number TEXT NOT NULL,
  date TEXT NOT NULL,
  organization_id TEXT REFERENCES organizations (id),
  totals TEXT NOT NULL CHECK (json_valid(totals)),
  closed_by TEXT NOT NULL REFERENCES users (id),
  closed_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  PRIMARY KEY (account_number, date)
);
CREATE TRIGGER closed_days_no_update BEFORE UPDATE ON closed_days
BEGIN SELECT RAISE(ABORT, 'a closed day is frozen'); END;

CREATE TABLE adjustments (
  id TEXT PRIMARY KEY,
  account_number TEXT NOT NULL,
  date TEXT NOT NULL,
  affects_date TEXT NOT NULL,
  payment_id TEXT REFERENCES payments (id),
  exception_id TEXT REFERENCES payment_exceptions (id),
  amount INTEGER NOT NULL,
  reason TEXT NOT NULL,
  created_by TEXT REFERENCES users (id),
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
CREATE INDEX adjustments_account_date ON adjustments (account_number, date);

-- Stripe payouts checked against our payments, once each.
CREATE TABLE stripe_payouts (
  id TEXT PRIMARY KEY,
  amount INTEGER NOT NULL,
  summary TEXT NOT NULL CHECK (json_valid(summary)),
  -- Set by the check that recorded it: its exceptions are written only by that one.
  processing_id TEXT NOT NULL,
  checked_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
