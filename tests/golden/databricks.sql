-- dialect: databricks
CREATE TABLE IF NOT EXISTS main.web.sessions (
  session_id STRING NOT NULL,
  user_id BIGINT,
  started_at TIMESTAMP,
  page_cnt INT,
  device MAP<STRING, STRING>
) USING DELTA
PARTITIONED BY (started_at)
TBLPROPERTIES ('delta.appendOnly' = 'true');
