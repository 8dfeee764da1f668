-- IoT sensor readings, BigQuery.
CREATE TABLE `acme-iot.telemetry.sensor_readings` (
  device_id STRING NOT NULL,
  reading_ts TIMESTAMP NOT NULL,
  temp_c FLOAT64,
  humidity_pct FLOAT64,
  battery_mv INT64
)
PARTITION BY DATE(reading_ts)
CLUSTER BY device_id;
