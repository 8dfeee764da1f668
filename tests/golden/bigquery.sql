-- dialect: bigquery
CREATE TABLE `acme.sales.order_lines` (
  order_id STRING NOT NULL,
  line_nbr INT64 NOT NULL,
  sku STRING,
  qty INT64,
  unit_prc NUMERIC OPTIONS(rounding_mode="ROUND_HALF_EVEN")
)
PARTITION BY DATE(_PARTITIONTIME)
OPTIONS(labels=[("team", "sales")]);

CREATE OR REPLACE VIEW `acme.sales.sku_totals`
OPTIONS(labels=[("team", "sales")])
AS SELECT l.sku, SUM(l.qty * l.unit_prc) AS revenue
FROM `acme.sales.order_lines` AS l
GROUP BY l.sku;
