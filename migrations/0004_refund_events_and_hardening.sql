-- Refund history, on the model of payment_events: one append-only row per change of a
-- refund's status (worker/src/domain/refund-state.ts), written in the same batch as the change.
CREATE TABLE refund_events (
  id TEXT PRIMARY KEY,
  refund_id TEXT NOT NULL REFERENCES refunds (id),
  event TEXT NOT NULL,
  from_status TEXT,
  to_status TEXT NOT NULL,
  source TEXT NOT NULL CHECK (source IN ('api', 'stripe', 'staff', 'system')),
  -- Who made the change; NULL when Stripe reported it.
  actor_id TEXT REFERENCES users (id),
  data TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(data)),
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
CREATE INDEX refund_events_refund ON refund_events (refund_id, created_at);
CREATE TRIGGER refund_events_no_update BEFORE UPDATE ON refund_events
BEGIN SELECT RAISE(ABORT, 'refund_events is append-only'); END;
CREATE TRIGGER refund_events_no_delete BEFORE DELETE ON refund_events
BEGIN SELECT RAISE(ABORT, 'refund_events is append-only'); END;

-- The last event applied to a refund: later statements of the same batch check it, so they
-- run only when this batch's change is the one that happened (as payments.last_event_id).
ALTER TABLE refunds ADD COLUMN last_event_id TEXT;
CREATE INDEX refunds_exception ON refunds (exception_id);

-- Refunds made before this history existed get one event that says so.
INSERT INTO refund_events (id, refund_id, event, from_status, to_status, source, actor_id, data, created_at)
SELECT 'rev_before_' || id, id, 'imported', NULL, status, 'system', NULL, '{"note":"made before refund_events existed"}', updated_at
FROM refunds;
UPDATE refunds SET last_event_id = 'rev_before_' || id;

-- What every source of credits may tell us besides the transaction id (domain/bank-credit.ts):
-- the bank's own reference and the payer, when the source gives them.
ALTER TABLE bank_credits ADD COLUMN bank_reference TEXT;
ALTER TABLE bank_credits ADD COLUMN payer_name TEXT;
ALTER TABLE bank_credits ADD COLUMN payer_account TEXT;

-- When the money arrived, as the bank (or Stripe) booked it: reports and the daily close
-- count a payment on that day (Vietnam time), which can differ from when we processed it
-- (a statement imported days later, a notice that arrived late).
ALTER TABLE payments ADD COLUMN received_at TEXT;
UPDATE payments SET received_at = coalesce(
  (SELECT min(b.booked_at) FROM bank_credits b WHERE b.payment_id = payments.id AND b.outcome = 'matched'),
  paid_at)
WHERE paid_at IS NOT NULL;
CREATE INDEX payments_received ON payments (received_at);
