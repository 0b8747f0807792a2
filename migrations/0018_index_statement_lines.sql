-- A statement's detail page lists its lines in booking order, a page at a time, each with
-- the exception it became; a bill's page lists every payment tried for it. Without these,
-- each page would read all bank credits, exceptions or payments ever recorded.
CREATE INDEX bank_credits_statement ON bank_credits (statement_id, booked_at, id);
CREATE INDEX payment_exceptions_bank_credit ON payment_exceptions (bank_credit_id);
CREATE INDEX payments_bill ON payments (bill_id, created_at);
