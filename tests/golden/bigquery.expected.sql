-- dialect: bigquery
CREATE TABLE `acme.sales.order_lines` (
  order_id STRING NOT NULL OPTIONS(description='Identifier of the order.'),
  line_nbr INT64 NOT NULL OPTIONS(description='Line number of the order line.'),
  sku STRING OPTIONS(description='SKU of the order line.'),
  qty INT64 OPTIONS(description='Quantity of the order line.'),
  unit_prc NUMERIC OPTIONS(description='Unit price of the order line.', rounding_mode="ROUND_HALF_EVEN")
)
PARTITION BY DATE(_PARTITIONTIME)
OPTIONS(description='Order lines, one row per order line.', labels=[("team", "sales")]);

CREATE OR REPLACE VIEW `acme.sales.sku_totals` (sku OPTIONS(description='SKU of the order line.'), revenue OPTIONS(description='Revenue of the SKU total.'))
OPTIONS(description='Sku totals: a view of acme.sales.order_lines, one row per SKU.', labels=[("team", "sales")])
AS SELECT l.sku, SUM(l.qty * l.unit_prc) AS revenue
FROM `acme.sales.order_lines` AS l
GROUP BY l.sku;
