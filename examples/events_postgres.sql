-- Product analytics events, PostgreSQL.
CREATE TABLE IF NOT EXISTS analytics.page_views (
    view_id      BIGSERIAL PRIMARY KEY,
    session_id   UUID NOT NULL,
    user_id      BIGINT REFERENCES analytics.users (user_id),
    url_path     TEXT NOT NULL,
    referrer     TEXT,
    viewed_at    TIMESTAMPTZ NOT NULL DEFAULT now(),
    duration_ms  INTEGER
);
