-- dialect: snowflake
CREATE OR REPLACE TABLE raw.shipments (
    shipment_id NUMBER(38,0) COMMENT 'Unique identifier of the shipment.' NOT NULL PRIMARY KEY,
    carrier_cd VARCHAR(8) COLLATE 'en-ci' COMMENT 'Carrier code of the shipment.' NOT NULL,
    payload VARIANT COMMENT 'Payload of the shipment.',
    wt_kg FLOAT COMMENT 'Gross weight in kilograms'
) COMMENT = 'Shipments, one row per shipment.' DATA_RETENTION_TIME_IN_DAYS = 7;
