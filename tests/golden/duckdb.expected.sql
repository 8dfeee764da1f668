-- dialect: duckdb
CREATE OR REPLACE TABLE trips (
    trip_id UBIGINT PRIMARY KEY,
    pickup_ts TIMESTAMP,
    distance_km DOUBLE,
    fare_usd DECIMAL(8, 2)
);
COMMENT ON TABLE trips IS 'Trips, one row per trip.';
COMMENT ON COLUMN trips.trip_id IS 'Unique identifier of the trip.';
COMMENT ON COLUMN trips.pickup_ts IS 'Timestamp of the pickup.';
COMMENT ON COLUMN trips.distance_km IS 'Distance of the trip in kilometres.';
COMMENT ON COLUMN trips.fare_usd IS 'Fare of the trip in US dollars.';
