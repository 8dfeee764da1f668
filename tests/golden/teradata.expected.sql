-- Teradata, as SHOW TABLE writes a table and its comments.
CREATE MULTISET TABLE retail.customer ,FALLBACK ,
     NO BEFORE JOURNAL,
     NO AFTER JOURNAL,
     CHECKSUM = DEFAULT,
     DEFAULT MERGEBLOCKRATIO,
     MAP = TD_MAP1
     (
      customer_id INTEGER NOT NULL,
      first_name VARCHAR(50) CHARACTER SET LATIN NOT CASESPECIFIC,
      birth_dt DATE FORMAT 'YYYY-MM-DD' TITLE 'Birth date',
      segment_cd CHAR(2) CHARACTER SET LATIN NOT CASESPECIFIC COMPRESS ('AA','BB'),
      balance_amt DECIMAL(18,2) DEFAULT 0.00 )
UNIQUE PRIMARY INDEX ( customer_id );
COMMENT ON COLUMN retail.customer.customer_id IS 'Unique identifier of the customer.';
COMMENT ON COLUMN retail.customer.first_name IS 'First name of the customer.';
COMMENT ON COLUMN retail.customer.birth_dt IS 'Date of the birth.';
COMMENT ON COLUMN retail.customer.segment_cd IS 'Segment code of the customer.';

CREATE SET TABLE retail.sale_line ,NO FALLBACK
     (
      sale_id BIGINT NOT NULL,
      line_nbr SMALLINT NOT NULL,
      customer_id INTEGER,
      qty INTEGER COMPRESS 1,
      sold_ts TIMESTAMP(6) WITH TIME ZONE)
PRIMARY INDEX ( sale_id )
PARTITION BY RANGE_N(CAST(sold_ts AS DATE) BETWEEN DATE '2020-01-01' AND DATE '2030-12-31' EACH INTERVAL '1' MONTH);
COMMENT ON TABLE retail.sale_line IS 'Sale lines, one row per sale line.';
COMMENT ON COLUMN retail.sale_line.sale_id IS 'Identifier of the sale.';
COMMENT ON COLUMN retail.sale_line.line_nbr IS 'Line number of the sale line.';
COMMENT ON COLUMN retail.sale_line.customer_id IS 'Identifier of the customer.';
COMMENT ON COLUMN retail.sale_line.qty IS 'Quantity of the sale line.';
COMMENT ON COLUMN retail.sale_line.sold_ts IS 'Timestamp when the sale line was sold.';

COMMENT ON TABLE retail.customer AS 'One row per customer of the retail business';
COMMENT ON COLUMN retail.customer.balance_amt IS 'Open balance in the account currency';
