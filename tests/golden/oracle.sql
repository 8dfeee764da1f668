CREATE TABLE hr.employees (
  employee_id    NUMBER(6)         NOT NULL,
  first_name     VARCHAR2(20 CHAR),
  last_name      VARCHAR2(25 CHAR) NOT NULL,
  hire_date      DATE              DEFAULT SYSDATE NOT NULL,
  salary         NUMBER(8,2)       CONSTRAINT emp_salary_min CHECK (salary > 0),
  department_id  NUMBER(4),
  CONSTRAINT emp_emp_id_pk PRIMARY KEY (employee_id),
  CONSTRAINT emp_dept_fk FOREIGN KEY (department_id) REFERENCES hr.departments (department_id)
) TABLESPACE users;

COMMENT ON COLUMN hr.employees.salary IS 'Monthly salary of the employee, before tax.';

CREATE TABLE hr.departments (
  department_id   NUMBER(4) PRIMARY KEY,
  department_name VARCHAR2(30) NOT NULL
);
