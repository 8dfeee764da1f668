-- dialect: snowflake
CREATE OR REPLACE TABLE raw.shipments (
    shipment_id NUMBER(38,0) NOT NULL PRIMARY KEY,
    carrier_cd VARCHAR(8) COLLATE 'en-ci' NOT NULL,
    payload VARIANT,
    wt_kg FLOAT COMMENT 'Gross weight in kilograms'
) DATA_RETENTION_TIME_IN_DAYS = 7;
