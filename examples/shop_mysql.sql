-- An online shop, MySQL 8.
CREATE TABLE customers (
  cust_id INT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  email_addr VARCHAR(320) NOT NULL UNIQUE,
  full_nm VARCHAR(200) NOT NULL,
  signup_dt DATE NOT NULL,
  is_active TINYINT(1) NOT NULL DEFAULT 1
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

CREATE TABLE orders (
  order_id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  cust_id INT UNSIGNED NOT NULL,
  order_ts DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
  status_cd CHAR(1) NOT NULL DEFAULT 'N' COMMENT 'N=new, P=paid, S=shipped, C=cancelled',
  total_amt DECIMAL(12,2) NOT NULL,
  currency_cd CHAR(3) NOT NULL DEFAULT 'EUR',
  PRIMARY KEY (order_id),
  CONSTRAINT fk_orders_customer FOREIGN KEY (cust_id) REFERENCES customers (cust_id)
) ENGINE=InnoDB;
