-- dialect: mysql
CREATE TABLE `emp` (
  `emp_id` INT UNSIGNED NOT NULL AUTO_INCREMENT,
  dept_cd CHAR(4) NOT NULL REFERENCES dept (dept_cd),
  hire_dt DATE NOT NULL,
  `salary_amt` DECIMAL(10,2) COMMENT 'Gross yearly salary, in "USD"',
  is_mgr TINYINT(1) NOT NULL DEFAULT 0,
  PRIMARY KEY (`emp_id`),
  KEY idx_dept (dept_cd)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

ALTER TABLE emp ADD COLUMN term_dt DATE NULL AFTER hire_dt, ADD INDEX idx_term (term_dt);
