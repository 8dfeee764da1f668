-- dialect: postgres
CREATE TABLE IF NOT EXISTS billing."Invoices" (
    invoice_id   BIGSERIAL PRIMARY KEY,
    cust_id      BIGINT NOT NULL REFERENCES billing.customers (cust_id),
    issued_at    TIMESTAMPTZ NOT NULL DEFAULT now(),
    total_amt    NUMERIC(12, 2) NOT NULL,
    "note"       TEXT   -- free text
);
COMMENT ON COLUMN billing."Invoices".total_amt IS 'Invoice total incl. VAT, in euros.';

CREATE TABLE billing.customers (cust_id BIGINT PRIMARY KEY, email_addr TEXT)
