-- dialect: duckdb
CREATE OR REPLACE TABLE trips (
    trip_id UBIGINT PRIMARY KEY,
    pickup_ts TIMESTAMP,
    distance_km DOUBLE,
    fare_usd DECIMAL(8, 2)
);
