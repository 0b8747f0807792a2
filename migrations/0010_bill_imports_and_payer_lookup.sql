-- Bills from a file: each imported row keeps the key that makes it the same bill when the
-- file is imported again (the biller, the payer's reference and the description), so a
-- second import of the same file creates nothing. Bills issued one by one leave it empty.
ALTER TABLE bills ADD COLUMN import_key TEXT;
-- What a school's list carries besides the name: the class (or group) and a phone number.
ALTER TABLE bills ADD COLUMN payer_group TEXT;
ALTER TABLE bills ADD COLUMN payer_phone TEXT;
CREATE UNIQUE INDEX bills_biller_import_key ON bills (biller_id, import_key) WHERE import_key IS NOT NULL;
-- A resident's open bills by customer code (GET /api/v1/billers/:id/open-bills).
CREATE INDEX bills_biller_payer_status ON bills (biller_id, payer_ref, status);
