-- dialect: databricks
CREATE TABLE IF NOT EXISTS main.web.sessions (
  session_id STRING NOT NULL COMMENT 'Unique identifier of the session.',
  user_id BIGINT COMMENT 'Identifier of the user.',
  started_at TIMESTAMP COMMENT 'Timestamp when the session was started.',
  page_cnt INT COMMENT 'Number of pages.',
  device MAP<STRING, STRING> COMMENT 'Device of the session.'
) USING DELTA COMMENT 'Sessions, one row per session.'
PARTITIONED BY (started_at)
TBLPROPERTIES ('delta.appendOnly' = 'true');
