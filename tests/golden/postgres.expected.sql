-- dialect: postgres
CREATE TABLE IF NOT EXISTS billing."Invoices" (
    invoice_id   BIGSERIAL PRIMARY KEY,
    cust_id      BIGINT NOT NULL REFERENCES billing.customers (cust_id),
    issued_at    TIMESTAMPTZ NOT NULL DEFAULT now(),
    total_amt    NUMERIC(12, 2) NOT NULL,
    "note"       TEXT   -- free text
);
COMMENT ON TABLE billing."Invoices" IS 'Invoices, one row per invoice.';
COMMENT ON COLUMN billing."Invoices".invoice_id IS 'Unique identifier of the invoice.';
COMMENT ON COLUMN billing."Invoices".cust_id IS 'Reference to the customer (billing.customers.cust_id).';
COMMENT ON COLUMN billing."Invoices".issued_at IS 'Timestamp when the invoice was issued.';
COMMENT ON COLUMN billing."Invoices"."note" IS 'Note of the invoice.';
COMMENT ON COLUMN billing."Invoices".total_amt IS 'Invoice total incl. VAT, in euros.';
ALTER TABLE ONLY billing."Invoices" ADD COLUMN due_on DATE, ADD COLUMN paid_at TIMESTAMPTZ;
COMMENT ON COLUMN billing."Invoices".due_on IS 'Date the invoice is due.';
COMMENT ON COLUMN billing."Invoices".paid_at IS 'Timestamp when the invoice was paid.';

CREATE OR REPLACE VIEW billing.open_invoices AS
SELECT i.invoice_id, i.cust_id AS customer_id, i.total_amt, now() - i.issued_at AS age
FROM billing."Invoices" i
WHERE i.total_amt > 0;
COMMENT ON VIEW billing.open_invoices IS 'Open invoices: a view of billing.Invoices.';
COMMENT ON COLUMN billing.open_invoices.invoice_id IS 'Unique identifier of the invoice.';
COMMENT ON COLUMN billing.open_invoices.customer_id IS 'Reference to the customer (billing.customers.cust_id).';
COMMENT ON COLUMN billing.open_invoices.total_amt IS 'Invoice total incl. VAT, in euros.';
COMMENT ON COLUMN billing.open_invoices.age IS 'Age of the open invoice.';

CREATE TABLE billing.customers (cust_id BIGINT PRIMARY KEY, email_addr TEXT);
COMMENT ON TABLE billing.customers IS 'Customers, one row per customer.';
COMMENT ON COLUMN billing.customers.cust_id IS 'Unique identifier of the customer.';
COMMENT ON COLUMN billing.customers.email_addr IS 'Email address of the customer.';
