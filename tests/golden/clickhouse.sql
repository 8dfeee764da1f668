-- Web analytics events, as `SHOW CREATE TABLE` and hand-written migrations look in ClickHouse.
CREATE DATABASE IF NOT EXISTS analytics;

CREATE TABLE analytics.page_views
(
    `event_date` Date DEFAULT toDate(event_time),
    `event_time` DateTime64(3, 'UTC') CODEC(Delta(8), ZSTD(1)),
    `session_id` UUID,
    `user_id` Nullable(UInt64) COMMENT 'Logged-in user; NULL for anonymous visitors',
    `url` String CODEC(ZSTD(3)),
    `referrer_domain` LowCardinality(String),
    `country_code` FixedString(2),
    `duration_ms` UInt32 TTL event_date + toIntervalDay(90),
    `props` Map(String, String),
    `url_path` String MATERIALIZED path(url),
    `is_bounce` UInt8 ALIAS duration_ms < 1000,
    INDEX idx_url url TYPE bloom_filter(0.01) GRANULARITY 4,
    PROJECTION by_user (SELECT user_id, count() GROUP BY user_id)
)
ENGINE = ReplicatedMergeTree('/clickhouse/tables/{shard}/page_views', '{replica}')
PARTITION BY toYYYYMM(event_date)
ORDER BY (event_date, session_id)
TTL event_date + toIntervalYear(2)
SETTINGS index_granularity = 8192;

CREATE TABLE IF NOT EXISTS analytics.sessions ON CLUSTER main
(
    session_id UUID,
    started_at DateTime,
    pages Array(String),
    utm Tuple(source String, medium String, campaign String),
    device Enum8('desktop' = 1, 'mobile' = 2, 'tablet' = 3)
)
ENGINE = ReplacingMergeTree(started_at)
ORDER BY session_id
COMMENT 'One row per browser session, deduplicated on the latest start';

CREATE TABLE analytics.daily_views
(
    day Date,
    views AggregateFunction(count),
    visitors AggregateFunction(uniq, UUID)
)
ENGINE = AggregatingMergeTree
ORDER BY day;

CREATE MATERIALIZED VIEW analytics.daily_views_mv TO analytics.daily_views AS
SELECT event_date AS day, countState() AS views, uniqState(session_id) AS visitors
FROM analytics.page_views
GROUP BY day;
