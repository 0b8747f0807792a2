-- A statement's detail page lists its lines in booking order, a page at a time, each with
-- the exception it became. Without these, every page would read all bank credits ever
-- recorded, and each line would read every exception to find its own.
CREATE INDEX bank_credits_statement ON bank_credits (statement_id, booked_at, id);
CREATE INDEX payment_exceptions_bank_credit ON payment_exceptions (bank_credit_id);
