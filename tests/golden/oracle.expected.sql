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
COMMENT ON TABLE hr.employees IS 'Employees, one row per employee.';
COMMENT ON COLUMN hr.employees.employee_id IS 'Unique identifier of the employee.';
COMMENT ON COLUMN hr.employees.first_name IS 'First name of the employee.';
COMMENT ON COLUMN hr.employees.last_name IS 'Last name of the employee.';
COMMENT ON COLUMN hr.employees.hire_date IS 'Date of the hire.';
COMMENT ON COLUMN hr.employees.department_id IS 'Reference to the department (hr.departments.department_id).';

COMMENT ON COLUMN hr.employees.salary IS 'Monthly salary of the employee, before tax.';

CREATE TABLE hr.departments (
  department_id   NUMBER(4) PRIMARY KEY,
  department_name VARCHAR2(30) NOT NULL
);
COMMENT ON TABLE hr.departments IS 'Departments, one row per department.';
COMMENT ON COLUMN hr.departments.department_id IS 'Unique identifier of the department.';
COMMENT ON COLUMN hr.departments.department_name IS 'Name of the department.';
