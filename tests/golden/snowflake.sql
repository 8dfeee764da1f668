-- dialect: snowflake
CREATE OR REPLACE TABLE raw.shipments (
    shipment_id NUMBER(38,0) NOT NULL PRIMARY KEY,
    carrier_cd VARCHAR(8) COLLATE 'en-ci' NOT NULL,
    payload VARIANT,
    wt_kg FLOAT COMMENT 'Gross weight in kilograms'
) DATA_RETENTION_TIME_IN_DAYS = 7;

create or replace view RAW.HEAVY_SHIPMENTS(
	SHIPMENT_ID,
	CARRIER_CD COMMENT 'Carrier code, upper case',
	WT_KG
) as select shipment_id, upper(carrier_cd), wt_kg from raw.shipments where wt_kg > 1000;

CREATE OR REPLACE SECURE VIEW raw.carrier_weights AS
SELECT s.carrier_cd, SUM(s.wt_kg) AS total_wt_kg
FROM raw.shipments s
GROUP BY s.carrier_cd;
