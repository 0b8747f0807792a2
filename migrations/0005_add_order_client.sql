-- Who placed an order, for the cap on open unpaid orders per client (issue 7, item 8):
-- a hash of the caller's address (never the address itself), set when the order is created.
-- Only orders still awaiting payment are indexed, so the count stays small and cheap.
ALTER TABLE orders ADD COLUMN client_key TEXT;
CREATE INDEX orders_open_by_client ON orders (client_key) WHERE status = 'awaiting_payment';
CREATE INDEX orders_open_by_buyer ON orders (buyer_user_id) WHERE status = 'awaiting_payment';
