-- Payer lists and bill runs, for every biller: a school's students, a hospital's patients on
-- a monthly plan, a commune's households, a market's traders. A run bills each active payer
-- once per month; what a run has collected is read from its bills, never stored.

CREATE TABLE payers (
  id TEXT PRIMARY KEY,
  biller_id TEXT NOT NULL REFERENCES organizations (id),
  -- "Mã học sinh", "Mã bệnh nhân"…: one payer per reference at a biller, whatever its case.
  payer_ref TEXT NOT NULL COLLATE NOCASE,
  payer_name TEXT NOT NULL,
  -- A class ("6A") or any group the biller runs bills for on its own.
  payer_group TEXT,
  phone TEXT,
  -- What this payer owes each month when a run does not say one amount for everyone.
  amount INTEGER CHECK (amount IS NULL OR (typeof(amount) = 'integer' AND amount > 0)),
  -- Removing a payer keeps the row (its bills name it): it only stops being billed.
  active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  UNIQUE (biller_id, payer_ref)
);
CREATE INDEX payers_biller_active_ref ON payers (biller_id, active, payer_ref);
CREATE INDEX payers_biller_group_ref ON payers (biller_id, payer_group, payer_ref);

CREATE TABLE bill_runs (
  id TEXT PRIMARY KEY,
  biller_id TEXT NOT NULL REFERENCES organizations (id),
  period TEXT NOT NULL CHECK (period GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]'),
  -- '' bills every group; a run of one class is its own run of the month.
  payer_group TEXT NOT NULL DEFAULT '',
  description TEXT NOT NULL,
  due_date TEXT NOT NULL,
  -- One amount for everyone, or NULL: each payer's own amount.
  amount INTEGER CHECK (amount IS NULL OR (typeof(amount) = 'integer' AND amount > 0)),
  created_by TEXT REFERENCES users (id),
  created_at TEXT NOT NULL,
  UNIQUE (biller_id, period, payer_group)
);
CREATE INDEX bill_runs_biller_created ON bill_runs (biller_id, created_at, id);

-- The run a bill was issued by. The bill's import_key ("run", the month, the payer) keeps a
-- payer to one bill per month whichever run (all payers or one class) issued it.
ALTER TABLE bills ADD COLUMN bill_run_id TEXT REFERENCES bill_runs (id);
CREATE INDEX bills_bill_run_status ON bills (bill_run_id, status);
