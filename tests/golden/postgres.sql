-- dialect: postgres
CREATE TABLE IF NOT EXISTS billing."Invoices" (
    invoice_id   BIGSERIAL PRIMARY KEY,
    cust_id      BIGINT NOT NULL REFERENCES billing.customers (cust_id),
    issued_at    TIMESTAMPTZ NOT NULL DEFAULT now(),
    total_amt    NUMERIC(12, 2) NOT NULL,
    "note"       TEXT   -- free text
);
COMMENT ON COLUMN billing."Invoices".total_amt IS 'Invoice total incl. VAT, in euros.';
ALTER TABLE ONLY billing."Invoices" ADD COLUMN due_on DATE, ADD COLUMN paid_at TIMESTAMPTZ;

CREATE OR REPLACE VIEW billing.open_invoices AS
SELECT i.invoice_id, i.cust_id AS customer_id, i.total_amt, now() - i.issued_at AS age
FROM billing."Invoices" i
WHERE i.total_amt > 0;

CREATE TABLE billing.customers (cust_id BIGINT PRIMARY KEY, email_addr TEXT)
