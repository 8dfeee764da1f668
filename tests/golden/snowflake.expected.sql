-- dialect: snowflake
CREATE OR REPLACE TABLE raw.shipments (
    shipment_id NUMBER(38,0) COMMENT 'Unique identifier of the shipment.' NOT NULL PRIMARY KEY,
    carrier_cd VARCHAR(8) COLLATE 'en-ci' COMMENT 'Carrier code of the shipment.' NOT NULL,
    payload VARIANT COMMENT 'Payload of the shipment.',
    wt_kg FLOAT COMMENT 'Gross weight in kilograms'
) COMMENT = 'Shipments, one row per shipment.' DATA_RETENTION_TIME_IN_DAYS = 7;

create or replace view RAW.HEAVY_SHIPMENTS(
	SHIPMENT_ID COMMENT 'Unique identifier of the shipment.',
	CARRIER_CD COMMENT 'Carrier code, upper case',
	WT_KG COMMENT 'Gross weight in kilograms'
) COMMENT = 'Heavy shipments: a view of raw.shipments.' as select shipment_id, upper(carrier_cd), wt_kg from raw.shipments where wt_kg > 1000;

CREATE OR REPLACE SECURE VIEW raw.carrier_weights (carrier_cd COMMENT 'Carrier code of the shipment.', total_wt_kg COMMENT 'Sum of the weight, in kilograms.') COMMENT = 'Carrier weights: a view of raw.shipments, one row per carrier code.' AS
SELECT s.carrier_cd, SUM(s.wt_kg) AS total_wt_kg
FROM raw.shipments s
GROUP BY s.carrier_cd;
