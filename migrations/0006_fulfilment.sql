-- Fulfilment (issue 9): a sub-order's life after payment. Each sub-order (one seller's part
-- of an order) gets its own status, moved only through the table in
-- worker/src/domain/fulfilment-state.ts, with an append-only event per change.
-- Columns are added (no table rebuild), so the existing rows and indexes stay as they are.

ALTER TABLE sub_orders ADD COLUMN status TEXT NOT NULL DEFAULT 'awaiting_payment'
  CHECK (status IN ('awaiting_payment', 'paid', 'confirmed', 'shipped', 'delivered', 'cancelled'));
-- The carrier codes of worker/src/domain/carriers.ts; NULL until shipped.
ALTER TABLE sub_orders ADD COLUMN carrier TEXT CHECK (carrier IN ('vietnam_post', 'ghn', 'ghtk', 'viettel_post', 'tu_giao'));
ALTER TABLE sub_orders ADD COLUMN tracking_number TEXT;
ALTER TABLE sub_orders ADD COLUMN confirmed_at TEXT;
ALTER TABLE sub_orders ADD COLUMN shipped_at TEXT;
-- When the buyer got it: the payout hold period counts from here.
ALTER TABLE sub_orders ADD COLUMN delivered_at TEXT;
ALTER TABLE sub_orders ADD COLUMN cancelled_at TEXT;
ALTER TABLE sub_orders ADD COLUMN cancel_reason TEXT;
-- Who cancelled: a sub-order its seller cancelled never comes back, and is no longer owed
-- to the seller; one cancelled with its whole order (expiry, the buyer) comes back if a late
-- card payment arrives.
ALTER TABLE sub_orders ADD COLUMN cancelled_by TEXT CHECK (cancelled_by IN ('seller', 'buyer', 'system'));
-- The last event applied: later statements of the same batch check it (as payments.last_event_id).
ALTER TABLE sub_orders ADD COLUMN last_event_id TEXT;
ALTER TABLE sub_orders ADD COLUMN updated_at TEXT;

-- Sub-orders made before this migration take their order's status.
UPDATE sub_orders SET
  status = CASE (SELECT o.status FROM orders o WHERE o.id = sub_orders.order_id)
    WHEN 'paid' THEN 'paid' WHEN 'awaiting_payment' THEN 'awaiting_payment' ELSE 'cancelled' END,
  cancelled_by = CASE (SELECT o.status FROM orders o WHERE o.id = sub_orders.order_id)
    WHEN 'cancelled' THEN 'buyer' WHEN 'expired' THEN 'system' ELSE NULL END,
  updated_at = created_at,
  last_event_id = 'soev_before_' || id;

CREATE INDEX sub_orders_seller_status_created ON sub_orders (seller_id, status, created_at, id);
CREATE INDEX sub_orders_status_delivered ON sub_orders (status, delivered_at);

-- Append-only history of every sub-order status change.
CREATE TABLE sub_order_events (
  id TEXT PRIMARY KEY,
  sub_order_id TEXT NOT NULL REFERENCES sub_orders (id),
  event TEXT NOT NULL,
  from_status TEXT,
  to_status TEXT NOT NULL,
  source TEXT NOT NULL CHECK (source IN ('seller', 'buyer', 'system', 'payment')),
  -- Who made the change; NULL for the system (the sweep, a payment's confirmation).
  actor_id TEXT REFERENCES users (id),
  data TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(data)),
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
CREATE INDEX sub_order_events_sub_order ON sub_order_events (sub_order_id, created_at);
CREATE TRIGGER sub_order_events_no_update BEFORE UPDATE ON sub_order_events
BEGIN SELECT RAISE(ABORT, 'sub_order_events is append-only'); END;
CREATE TRIGGER sub_order_events_no_delete BEFORE DELETE ON sub_order_events
BEGIN SELECT RAISE(ABORT, 'sub_order_events is append-only'); END;

INSERT INTO sub_order_events (id, sub_order_id, event, from_status, to_status, source, data, created_at)
SELECT 'soev_before_' || id, id, 'imported', NULL, status, 'system', '{"note":"made before sub_order_events existed"}', created_at
FROM sub_orders;

-- A refund made because a seller cancelled its paid sub-order: it reverses that seller's
-- payable only, not a share of every seller's.
ALTER TABLE refunds ADD COLUMN sub_order_id TEXT REFERENCES sub_orders (id);
CREATE INDEX refunds_sub_order ON refunds (sub_order_id);
