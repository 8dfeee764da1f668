-- dialect: mysql
CREATE TABLE `emp` (
  `emp_id` INT UNSIGNED NOT NULL AUTO_INCREMENT COMMENT 'Unique identifier of the employee.',
  dept_cd CHAR(4) NOT NULL COMMENT 'Reference to the department (dept.dept_cd).' REFERENCES dept (dept_cd),
  hire_dt DATE NOT NULL COMMENT 'Date of the hire.',
  `salary_amt` DECIMAL(10,2) COMMENT 'Gross yearly salary, in "USD"',
  is_mgr TINYINT(1) NOT NULL DEFAULT 0 COMMENT 'Whether the employee is manager.',
  PRIMARY KEY (`emp_id`),
  KEY idx_dept (dept_cd)
) COMMENT='Employees, one row per employee.' ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

ALTER TABLE emp ADD COLUMN term_dt DATE NULL COMMENT 'Date of the term.' AFTER hire_dt, ADD INDEX idx_term (term_dt);
