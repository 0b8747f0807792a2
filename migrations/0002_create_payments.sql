-- Payments: bills, marketplace orders, payments over VietQR and Stripe, their append-only
-- history and double-entry ledger, bank credits, Stripe events, refunds and exceptions.
-- Money is INTEGER whole đồng. Timestamps are ISO-8601 UTC text.

CREATE TABLE bills (
  id TEXT PRIMARY KEY,
  -- Printed on paper and read aloud; carries a check character (worker/src/domain/codes.ts).
  code TEXT NOT NULL UNIQUE,
  biller_id TEXT NOT NULL REFERENCES organizations (id),
  type TEXT NOT NULL CHECK (type IN ('market_fee', 'tuition', 'hospital', 'admin_fee')),
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
  updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
CREATE INDEX bills_biller_created ON bills (biller_id, created_at, id);
CREATE INDEX bills_biller_status_created ON bills (biller_id, status, created_at, id);

CREATE TABLE orders (
  id TEXT PRIMARY KEY,
  -- The buyer's proof of access when not signed in; only its hash is kept.
  access_token_hash TEXT NOT NULL,
  buyer_user_id TEXT REFERENCES users (id),
  buyer_name TEXT NOT NULL,
  buyer_phone TEXT NOT NULL,
  buyer_address TEXT NOT NULL,
  total INTEGER NOT NULL CHECK (typeof(total) = 'integer' AND total > 0),
  status TEXT NOT NULL DEFAULT 'awaiting_payment' CHECK (status IN ('awaiting_payment', 'paid', 'cancelled', 'expired')),
  -- Stock stays reserved until this time, extended while a payment is pending.
  reserved_until TEXT NOT NULL,
  paid_at TEXT,
  payment_id TEXT,
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
CREATE INDEX orders_buyer ON orders (buyer_user_id, created_at);
CREATE INDEX orders_status_reserved ON orders (status, reserved_until);

-- One per seller in an order: what that seller must ship and will be paid.
CREATE TABLE sub_orders (
  id TEXT PRIMARY KEY,
  order_id TEXT NOT NULL REFERENCES orders (id),
  seller_id TEXT NOT NULL REFERENCES organizations (id),
  subtotal INTEGER NOT NULL CHECK (typeof(subtotal) = 'integer' AND subtotal > 0),
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  UNIQUE (order_id, seller_id)
);
CREATE INDEX sub_orders_seller_created ON sub_orders (seller_id, created_at, id);

-- Prices are copied from the catalogue at checkout: later price changes do not touch an order.
CREATE TABLE order_items (
  order_id TEXT NOT NULL REFERENCES orders (id),
  product_id TEXT NOT NULL REFERENCES products (id),
  seller_id TEXT NOT NULL REFERENCES organizations (id),
  product_name TEXT NOT NULL,
  unit TEXT NOT NULL,
  unit_price INTEGER NOT NULL CHECK (typeof(unit_price) = 'integer' AND unit_price > 0),
  quantity INTEGER NOT NULL CHECK (typeof(quantity) = 'integer' AND quantity > 0),
  line_total INTEGER NOT NULL CHECK (line_total = unit_price * quantity),
  PRIMARY KEY (order_id, product_id)
);

CREATE TABLE payments (
  id TEXT PRIMARY KEY,
  -- Goes into the VietQR purpose and comes back in the bank's transfer description.
  reference TEXT NOT NULL UNIQUE,
  bill_id TEXT REFERENCES bills (id),
  order_id TEXT REFERENCES orders (id),
  -- Who is owed the money: the biller for a bill; NULL for an order (split per seller).
  payee_org_id TEXT REFERENCES organizations (id),
  amount INTEGER NOT NULL CHECK (typeof(amount) = 'integer' AND amount > 0),
  currency TEXT NOT NULL DEFAULT 'VND' CHECK (currency = 'VND'),
  method TEXT NOT NULL CHECK (method IN ('vietqr', 'stripe')),
  status TEXT NOT NULL CHECK (status IN ('pending', 'paid', 'failed', 'expired', 'partially_refunded', 'refunded')),
  -- The account the money must arrive in, as it was when the payment was made.
  payee_bank_bin TEXT NOT NULL,
  payee_account_no TEXT NOT NULL,
  payee_account_name TEXT NOT NULL,
  vietqr_payload TEXT,
  stripe_session_id TEXT UNIQUE,
  stripe_checkout_url TEXT,
  stripe_payment_intent TEXT,
  -- Refunds requested and not failed: never above the amount.
  amount_refunded INTEGER NOT NULL DEFAULT 0 CHECK (amount_refunded >= 0 AND amount_refunded <= amount),
  expires_at TEXT NOT NULL,
  paid_at TEXT,
  -- The last event applied: later statements of the same batch check it, so they run
  -- only when this batch's transition is the one that happened.
  last_event_id TEXT,
  request_hash TEXT NOT NULL,
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  CHECK ((bill_id IS NULL) <> (order_id IS NULL))
);
-- One open payment per bill or order, and a bill or order is paid once.
CREATE UNIQUE INDEX payments_one_pending_bill ON payments (bill_id) WHERE status = 'pending' AND bill_id IS NOT NULL;
CREATE UNIQUE INDEX payments_one_pending_order ON payments (order_id) WHERE status = 'pending' AND order_id IS NOT NULL;
CREATE UNIQUE INDEX payments_one_paid_bill ON payments (bill_id)
  WHERE status IN ('paid', 'partially_refunded', 'refunded') AND bill_id IS NOT NULL;
CREATE UNIQUE INDEX payments_one_paid_order ON payments (order_id)
  WHERE status IN ('paid', 'partially_refunded', 'refunded') AND order_id IS NOT NULL;
CREATE INDEX payments_status_expires ON payments (status, expires_at);
CREATE INDEX payments_payee_created ON payments (payee_org_id, created_at);
CREATE INDEX payments_stripe_intent ON payments (stripe_payment_intent);

-- Idempotency-Key → the payment it created. The key row and the payment are written in one
-- batch, so concurrent requests with one key make one payment.
CREATE TABLE idempotency_keys (
  scope_key TEXT PRIMARY KEY,
  request_hash TEXT NOT NULL,
  payment_id TEXT NOT NULL,
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);

-- Append-only history of every payment state change.
CREATE TABLE payment_events (
  id TEXT PRIMARY KEY,
  payment_id TEXT NOT NULL REFERENCES payments (id),
  event TEXT NOT NULL,
  from_status TEXT,
  to_status TEXT NOT NULL,
  source TEXT NOT NULL CHECK (source IN ('api', 'bank', 'stripe', 'system', 'staff')),
  source_ref TEXT,
  data TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(data)),
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
CREATE INDEX payment_events_payment ON payment_events (payment_id, created_at);
CREATE TRIGGER payment_events_no_update BEFORE UPDATE ON payment_events
BEGIN SELECT RAISE(ABORT, 'payment_events is append-only'); END;
CREATE TRIGGER payment_events_no_delete BEFORE DELETE ON payment_events
BEGIN SELECT RAISE(ABORT, 'payment_events is append-only'); END;

-- Double-entry ledger. Each journal (one per money movement) has lines whose debits equal
-- its credits. Accounts: payer:<payment>, collection:<rail>:<account>, payable:<organization>.
-- A debit is money into an account, a credit money out of it.
CREATE TABLE ledger_lines (
  id INTEGER PRIMARY KEY,
  journal_id TEXT NOT NULL,
  payment_id TEXT NOT NULL REFERENCES payments (id),
  account TEXT NOT NULL,
  debit INTEGER NOT NULL DEFAULT 0 CHECK (typeof(debit) = 'integer' AND debit >= 0),
  credit INTEGER NOT NULL DEFAULT 0 CHECK (typeof(credit) = 'integer' AND credit >= 0),
  memo TEXT NOT NULL DEFAULT '',
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  CHECK ((debit = 0) <> (credit = 0))
);
CREATE INDEX ledger_lines_payment ON ledger_lines (payment_id);
CREATE INDEX ledger_lines_account ON ledger_lines (account, created_at);
CREATE INDEX ledger_lines_journal ON ledger_lines (journal_id);
CREATE TRIGGER ledger_lines_no_update BEFORE UPDATE ON ledger_lines
BEGIN SELECT RAISE(ABORT, 'ledger_lines is append-only'); END;
CREATE TRIGGER ledger_lines_no_delete BEFORE DELETE ON ledger_lines
BEGIN SELECT RAISE(ABORT, 'ledger_lines is append-only'); END;

-- Every credit seen on a collection account, from a bank notification or a statement,
-- once per bank transaction id.
CREATE TABLE bank_credits (
  id TEXT PRIMARY KEY,
  account_number TEXT NOT NULL,
  transaction_id TEXT NOT NULL,
  amount INTEGER NOT NULL CHECK (typeof(amount) = 'integer' AND amount > 0),
  description TEXT NOT NULL,
  booked_at TEXT NOT NULL,
  source TEXT NOT NULL CHECK (source IN ('notification', 'statement')),
  payment_id TEXT REFERENCES payments (id),
  outcome TEXT NOT NULL CHECK (outcome IN ('matched', 'exception')),
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  UNIQUE (account_number, transaction_id)
);
CREATE INDEX bank_credits_payment ON bank_credits (payment_id);
CREATE INDEX bank_credits_booked ON bank_credits (account_number, booked_at);

-- Stripe events seen, deduplicated by event id and by (object, type): Stripe may send two
-- different events for one change.
CREATE TABLE stripe_events (
  event_id TEXT PRIMARY KEY,
  type TEXT NOT NULL,
  object_id TEXT NOT NULL,
  payment_id TEXT,
  -- Set by the request that recorded the event: the rest of its batch runs only for that one.
  processing_id TEXT NOT NULL,
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  UNIQUE (object_id, type)
);

CREATE TABLE refunds (
  id TEXT PRIMARY KEY,
  -- A refund returns part of a payment, or money that matched nothing (an exception).
  payment_id TEXT REFERENCES payments (id),
  exception_id TEXT REFERENCES payment_exceptions (id),
  amount INTEGER NOT NULL CHECK (typeof(amount) = 'integer' AND amount > 0),
  reason TEXT NOT NULL,
  method TEXT NOT NULL CHECK (method IN ('vietqr', 'stripe')),
  -- VietQR: awaiting_approval → approved (by a second person) → sent, or rejected.
  -- Stripe: processing → succeeded or failed.
  status TEXT NOT NULL CHECK (status IN ('awaiting_approval', 'approved', 'sent', 'rejected', 'processing', 'succeeded', 'failed')),
  -- NULL when Stripe reports a refund made outside Chợ Số (in the Stripe dashboard).
  requested_by TEXT REFERENCES users (id),
  approved_by TEXT REFERENCES users (id),
  sent_by TEXT REFERENCES users (id),
  stripe_refund_id TEXT UNIQUE,
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  CHECK (approved_by IS NULL OR approved_by <> requested_by),
  CHECK ((payment_id IS NULL) <> (exception_id IS NULL))
);
CREATE INDEX refunds_payment ON refunds (payment_id);

-- Money that could not be applied on its own: a person resolves each one. Never dropped.
CREATE TABLE payment_exceptions (
  id TEXT PRIMARY KEY,
  type TEXT NOT NULL CHECK (type IN ('unmatched_credit', 'unknown_reference', 'amount_mismatch',
    'paid_after_expiry', 'duplicate_payment', 'ambiguous', 'missing_at_bank')),
  status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'resolved')),
  -- Whose queue it is in: the payee of the payment, or the owner of the account credited.
  organization_id TEXT REFERENCES organizations (id),
  bank_credit_id TEXT REFERENCES bank_credits (id),
  stripe_event_id TEXT,
  payment_id TEXT REFERENCES payments (id),
  amount INTEGER NOT NULL,
  expected_amount INTEGER,
  -- The account credited and the day (Vietnam time) the bank booked it: the day it belongs to.
  account_number TEXT,
  booked_date TEXT,
  details TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(details)),
  resolved_at TEXT,
  resolved_by TEXT REFERENCES users (id),
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
CREATE INDEX payment_exceptions_account_day ON payment_exceptions (account_number, booked_date, status);
CREATE INDEX payment_exceptions_status_type ON payment_exceptions (status, type, created_at);
CREATE INDEX payment_exceptions_org_status ON payment_exceptions (organization_id, status, created_at);
CREATE INDEX payment_exceptions_payment ON payment_exceptions (payment_id);
