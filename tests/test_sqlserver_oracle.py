"""SQL Server and Oracle: reading their scripts and writing comments they accept.

Oracle comments the PostgreSQL way (``COMMENT ON``). SQL Server has no comment syntax: a
description is the ``MS_Description`` extended property, and its scripts separate batches
with ``GO`` lines instead of semicolons.
"""

from __future__ import annotations

import pytest

from sqlscribe.ddl import apply_edits, expected_after, parse_sql, plan_table_edits, verify
from sqlscribe.docs import TableDocs
from sqlscribe.suggest import comment_on_statements, string_body

# What SSMS's "Script Table as > CREATE To" writes, with one column already described.
SSMS_SCRIPT = """SET ANSI_NULLS ON
GO
SET QUOTED_IDENTIFIER ON
GO
CREATE TABLE [dbo].[Customers](
\t[CustomerID] [int] IDENTITY(1,1) NOT NULL,
\t[Name] [nvarchar](100) NOT NULL,
\t[Notes] [nvarchar](max) NULL,
\t[RegionID] [int] NULL,
 CONSTRAINT [PK_Customers] PRIMARY KEY CLUSTERED
(
\t[CustomerID] ASC
)WITH (PAD_INDEX = OFF, STATISTICS_NORECOMPUTE = OFF) ON [PRIMARY]
) ON [PRIMARY] TEXTIMAGE_ON [PRIMARY]
GO
ALTER TABLE [dbo].[Customers]  WITH CHECK ADD  CONSTRAINT [FK_Customers_Regions] FOREIGN KEY([RegionID])
REFERENCES [dbo].[Regions] ([RegionID])
GO
""" + (
    "EXEC sys.sp_addextendedproperty @name=N'MS_Description', @value=N'Customer''s full name' , "
    "@level0type=N'SCHEMA',@level0name=N'dbo', @level1type=N'TABLE',@level1name=N'Customers', "
    "@level2type=N'COLUMN',@level2name=N'Name'\nGO\n"
)


def test_an_ssms_script_is_read_with_its_extended_properties() -> None:
    parsed = parse_sql(SSMS_SCRIPT)
    assert parsed.dialect == "tsql"
    assert parsed.diagnostics == []
    (table,) = parsed.tables
    assert table.complete and table.name == "dbo.Customers" and table.name_source == "[dbo].[Customers]"
    assert [(c.name, c.data_type) for c in table.columns] == [
        ("CustomerID", "int"),
        ("Name", "nvarchar(100)"),
        ("Notes", "nvarchar(max)"),
        ("RegionID", "int"),
    ]
    assert table.primary_key == ("CustomerID",)
    region = table.column("RegionID")  # its key comes from the ALTER TABLE below the CREATE
    assert region is not None and region.references is not None
    assert (region.references.ref_table, region.references.ref_columns) == ("dbo.Regions", ("RegionID",))
    name = table.column("Name")
    assert name is not None and name.comment is not None
    assert name.comment.text == "Customer's full name"
    assert SSMS_SCRIPT[name.comment.literal.start : name.comment.literal.end] == "N'Customer''s full name'"
    assert table.comment is None


def test_new_descriptions_follow_the_create_as_extended_properties() -> None:
    (table,) = parse_sql(SSMS_SCRIPT).tables
    docs = TableDocs("People who buy.", {"CustomerID": "Surrogate key.", "Name": "ignored", "Notes": "It's free text."})
    new = apply_edits(SSMS_SCRIPT, plan_table_edits(table, docs))
    assert (
        ") ON [PRIMARY] TEXTIMAGE_ON [PRIMARY];\n"
        "EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'People who buy.', "
        "@level0type = N'SCHEMA', @level0name = N'dbo', @level1type = N'TABLE', @level1name = N'Customers';\n"
        "EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Surrogate key.', "
        "@level0type = N'SCHEMA', @level0name = N'dbo', @level1type = N'TABLE', @level1name = N'Customers', "
        "@level2type = N'COLUMN', @level2name = N'CustomerID';\n"
        "EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'It''s free text.', "
        "@level0type = N'SCHEMA', @level0name = N'dbo', @level1type = N'TABLE', @level1name = N'Customers', "
        "@level2type = N'COLUMN', @level2name = N'Notes';\nGO\nALTER TABLE"
    ) in new
    assert verify(new, "tsql", [expected_after(0, table, docs)]) == []
    (after,) = parse_sql(new).tables
    assert plan_table_edits(after, docs) == []  # a second run adds nothing


def test_overwriting_replaces_only_the_value_literal() -> None:
    (table,) = parse_sql(SSMS_SCRIPT).tables
    new = apply_edits(SSMS_SCRIPT, plan_table_edits(table, TableDocs(None, {"Name": "Full name."}), overwrite=True))
    assert new == SSMS_SCRIPT.replace("N'Customer''s full name'", "N'Full name.'")


@pytest.mark.parametrize(
    ("call", "expected"),
    [
        # Positional arguments, EXECUTE, no sys.
        (
            "EXECUTE sp_addextendedproperty N'MS_Description', N'Line total', N'SCHEMA', N'sales', N'TABLE',"
            " N'Lines', N'COLUMN', N'total';",
            ("total", "Line total"),
        ),
        # An update changes the description, a drop removes it; the last call wins.
        (
            "EXEC sp_updateextendedproperty @name = N'MS_Description', @value = 'Changed', @level0type = N'SCHEMA',"
            " @level0name = N'sales', @level1type = N'TABLE', @level1name = N'Lines', @level2type = N'COLUMN',"
            " @level2name = N'total';",
            ("total", "Changed"),
        ),
        (
            "EXEC sp_dropextendedproperty @name = N'MS_Description', @level0type = N'SCHEMA', @level0name = N'sales',"
            " @level1type = N'TABLE', @level1name = N'Lines', @level2type = N'COLUMN', @level2name = N'total';",
            ("total", None),
        ),
        # Another property is not a description.
        (
            "EXEC sp_addextendedproperty @name = N'Owner', @value = N'Finance', @level0type = N'SCHEMA',"
            " @level0name = N'sales', @level1type = N'TABLE', @level1name = N'Lines', @level2type = N'COLUMN',"
            " @level2name = N'total';",
            ("total", "Before"),
        ),
    ],
)
def test_extended_property_calls(call: str, expected: tuple[str, str | None]) -> None:
    before = (
        "EXEC sp_addextendedproperty @name = N'MS_Description', @value = N'Before', @level0type = N'SCHEMA', "
        "@level0name = N'sales', @level1type = N'TABLE', @level1name = N'Lines', @level2type = N'COLUMN', "
        "@level2name = N'total';"
    )
    sql = f"CREATE TABLE sales.Lines (id int, total money);\n{before}\n{call}\n"
    (table,) = parse_sql(sql, "tsql").tables
    column, text = expected
    col = table.column(column)
    assert col is not None
    assert (col.comment.text if col.comment else None) == text


def test_statements_without_semicolons_or_go_are_told_apart() -> None:
    sql = (
        "CREATE TABLE Orders (OrderID INT PRIMARY KEY, Amount MONEY)\n"
        "CREATE TABLE Lines (LineID INT PRIMARY KEY, OrderID INT REFERENCES Orders(OrderID))\n"
        "EXEC sp_addextendedproperty 'MS_Description', 'One order', 'SCHEMA', 'dbo', 'TABLE', 'Orders'\n"
    )
    parsed = parse_sql(sql, "tsql")
    assert parsed.diagnostics == []
    orders, lines = parsed.tables
    assert orders.comment is not None and orders.comment.text == "One order"
    assert lines.columns[1].references is not None and lines.columns[1].references.ref_table == "Orders"
    new = apply_edits(sql, plan_table_edits(lines, TableDocs("Order lines.", {})))
    assert new.startswith(
        sql.split("\n")[0] + "\nCREATE TABLE Lines (LineID INT PRIMARY KEY, OrderID INT REFERENCES Orders(OrderID));\n"
        "EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Order lines.', @level0type = N'SCHEMA',"
        " @level0name = N'dbo', @level1type = N'TABLE', @level1name = N'Lines';\nEXEC sp_addextendedproperty"
    )
    assert [t.comment.text if t.comment else None for t in parse_sql(new, "tsql").tables] == [
        "One order",
        "Order lines.",
    ]


def test_go_inside_a_string_or_comment_does_not_end_a_batch() -> None:
    sql = (
        "CREATE TABLE t (a int DEFAULT 1 /* a\nGO\n*/, b varchar(9) DEFAULT 'x\nGO\ny')\n"
        "GO\nCREATE TABLE u (c int)\n  go  \n"
    )
    parsed = parse_sql(sql, "tsql")
    assert parsed.diagnostics == []
    assert [(t.name, [c.name for c in t.columns]) for t in parsed.tables] == [("t", ["a", "b"]), ("u", ["c"])]


def test_the_statements_an_editor_offers_below_a_sql_server_table() -> None:
    (table,) = parse_sql("CREATE TABLE [Order Lines] ([Qty] int)", "tsql").tables
    assert comment_on_statements(table, TableDocs("Lines.", {"Qty": "How many."})) == (
        "EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Lines.', @level0type = N'SCHEMA',"
        " @level0name = N'dbo', @level1type = N'TABLE', @level1name = N'Order Lines';\n"
        "EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'How many.', @level0type = N'SCHEMA',"
        " @level0name = N'dbo', @level1type = N'TABLE', @level1name = N'Order Lines', @level2type = N'COLUMN',"
        " @level2name = N'Qty';"
    )
    assert string_body("tsql", "it's") == "it''s"


def test_oracle_tables_get_comment_on_statements() -> None:
    sql = """CREATE TABLE hr.employees (
  employee_id NUMBER(6) NOT NULL,
  first_name VARCHAR2(20 CHAR),
  hire_date DATE DEFAULT SYSDATE NOT NULL,
  CONSTRAINT emp_pk PRIMARY KEY (employee_id)
) TABLESPACE users;
COMMENT ON COLUMN hr.employees.first_name IS 'Given name';
"""
    parsed = parse_sql(sql)
    assert parsed.dialect == "oracle" and parsed.diagnostics == []
    (table,) = parsed.tables
    assert [(c.name, c.data_type) for c in table.columns][:2] == [
        ("employee_id", "NUMBER(6)"),
        ("first_name", "VARCHAR2(20 CHAR)"),
    ]
    new = apply_edits(
        sql, plan_table_edits(table, TableDocs("Staff.", {"employee_id": "Staff's id.", "first_name": "x"}))
    )
    assert new == sql.replace(
        ") TABLESPACE users;\n",
        ") TABLESPACE users;\nCOMMENT ON TABLE hr.employees IS 'Staff.';\n"
        "COMMENT ON COLUMN hr.employees.employee_id IS 'Staff''s id.';\n",
    )


def test_a_procedures_body_is_not_the_schema() -> None:
    """A procedure is its batch's only statement: its temporary tables and calls are not read as
    the schema's, and the tables after its GO still are (sqlglot would read them into an END)."""
    sql = (
        "CREATE TABLE dbo.Before (id int)\nGO\n"
        "CREATE OR ALTER PROCEDURE dbo.Refresh AS\nBEGIN\n"
        "  CREATE TABLE #work (id int);\n"
        "  EXEC sp_addextendedproperty 'MS_Description', 'not now', 'SCHEMA', 'dbo', 'TABLE', 'Before';\n"
        "  SELECT 1;\nEND\nGO\n"
        "CREATE TABLE dbo.After (a int)\n"
    )
    parsed = parse_sql(sql, "tsql")
    assert parsed.diagnostics == []
    assert [(t.name, t.comment) for t in parsed.tables] == [("dbo.Before", None), ("dbo.After", None)]
