-- Web analytics events, as `SHOW CREATE TABLE` and hand-written migrations look in ClickHouse.
CREATE DATABASE IF NOT EXISTS analytics;

CREATE TABLE analytics.page_views
(
    `event_date` Date DEFAULT toDate(event_time) COMMENT 'Date of the event.',
    `event_time` DateTime64(3, 'UTC') COMMENT 'Timestamp of the event.' CODEC(Delta(8), ZSTD(1)),
    `session_id` UUID COMMENT 'Identifier of the session.',
    `user_id` Nullable(UInt64) COMMENT 'Logged-in user; NULL for anonymous visitors',
    `url` String COMMENT 'URL of the page view.' CODEC(ZSTD(3)),
    `referrer_domain` LowCardinality(String) COMMENT 'Referrer domain of the page view.',
    `country_code` FixedString(2) COMMENT 'Country code of the page view.',
    `duration_ms` UInt32 COMMENT 'Duration of the page view in milliseconds.' TTL event_date + toIntervalDay(90),
    `props` Map(String, String) COMMENT 'Props of the page view.',
    `url_path` String MATERIALIZED path(url) COMMENT 'URL path of the page view.',
    `is_bounce` UInt8 ALIAS duration_ms < 1000 COMMENT 'Whether the page view is bounce.',
    INDEX idx_url url TYPE bloom_filter(0.01) GRANULARITY 4,
    PROJECTION by_user (SELECT user_id, count() GROUP BY user_id)
)
ENGINE = ReplicatedMergeTree('/clickhouse/tables/{shard}/page_views', '{replica}')
PARTITION BY toYYYYMM(event_date)
ORDER BY (event_date, session_id)
TTL event_date + toIntervalYear(2)
SETTINGS index_granularity = 8192 COMMENT 'Page views, one row per page view.';

CREATE TABLE IF NOT EXISTS analytics.sessions ON CLUSTER main
(
    session_id UUID COMMENT 'Unique identifier of the session.',
    started_at DateTime COMMENT 'Timestamp when the session was started.',
    pages Array(String) COMMENT 'Pages of the session.',
    utm Tuple(source String, medium String, campaign String) COMMENT 'Utm of the session.',
    device Enum8('desktop' = 1, 'mobile' = 2, 'tablet' = 3) COMMENT 'Device of the session.'
)
ENGINE = ReplacingMergeTree(started_at)
ORDER BY session_id
COMMENT 'One row per browser session, deduplicated on the latest start';

CREATE TABLE analytics.daily_views
(
    day Date COMMENT 'Date of the daily view.',
    views AggregateFunction(count) COMMENT 'Views of the daily view.',
    visitors AggregateFunction(uniq, UUID) COMMENT 'Visitors of the daily view.'
)
ENGINE = AggregatingMergeTree
ORDER BY day COMMENT 'Daily views, one row per daily view.';

CREATE MATERIALIZED VIEW analytics.daily_views_mv TO analytics.daily_views AS
SELECT event_date AS day, countState() AS views, uniqState(session_id) AS visitors
FROM analytics.page_views
GROUP BY day;
