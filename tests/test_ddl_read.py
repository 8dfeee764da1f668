"""The DDL reader, dialect by dialect: tables, columns, keys and existing comments."""

from __future__ import annotations

import pytest

from sqlscribe.ddl import apply_edits, detect_dialect, parse_sql, plan_table_edits
from sqlscribe.docs import TableDocs


def test_postgres_schema_quoted_names_keys_and_comment_on() -> None:
    sql = """CREATE TABLE IF NOT EXISTS public."User Accounts" (
    id BIGSERIAL PRIMARY KEY,
    email TEXT NOT NULL UNIQUE,
    created_at TIMESTAMP WITH TIME ZONE DEFAULT now(),
    org_id INT REFERENCES orgs(id)
);
COMMENT ON TABLE public."User Accounts" IS 'People who log in.';
COMMENT ON COLUMN public."User Accounts".email IS 'Login e-mail, it''s unique.';
"""
    parsed = parse_sql(sql, "postgres")
    assert parsed.diagnostics == []
    (table,) = parsed.tables
    assert table.name == "public.User Accounts"
    assert table.name_source == 'public."User Accounts"'
    assert [c.name for c in table.columns] == ["id", "email", "created_at", "org_id"]
    id_, email, created, org = table.columns
    assert id_.primary_key and id_.data_type == "BIGSERIAL"
    assert email.not_null and email.unique and email.comment is not None
    assert email.comment.text == "Login e-mail, it's unique."
    assert created.data_type == "TIMESTAMP WITH TIME ZONE" and created.default == "now()"
    assert org.references is not None and org.references.ref_table == "orgs" and org.references.ref_columns == ("id",)
    assert table.comment is not None and table.comment.text == "People who log in."


def test_comment_on_is_null_removes_a_comment() -> None:
    sql = "CREATE TABLE t (a int);\nCOMMENT ON COLUMN t.a IS 'x';\nCOMMENT ON COLUMN t.a IS NULL;"
    (table,) = parse_sql(sql, "postgres").tables
    assert table.columns[0].comment is None


def test_mysql_inline_comments_table_options_and_table_keys() -> None:
    sql = """CREATE TABLE `shop`.`orders` (
  `id` INT UNSIGNED NOT NULL AUTO_INCREMENT,
  cust_id INT NOT NULL,
  amt DECIMAL(10,2) COMMENT 'Order amount, in \\'EUR\\'',
  PRIMARY KEY (`id`),
  KEY idx_c (cust_id),
  CONSTRAINT fk_c FOREIGN KEY (cust_id) REFERENCES customers (id)
) ENGINE=InnoDB COMMENT='All orders';"""
    (table,) = parse_sql(sql, "mysql").tables
    assert table.name == "shop.orders"
    assert [c.name for c in table.columns] == ["id", "cust_id", "amt"]
    assert table.primary_key == ("id",)
    assert table.columns[0].primary_key and table.columns[0].data_type == "INT UNSIGNED"
    assert table.columns[1].references is not None and table.columns[1].references.ref_table == "customers"
    assert table.columns[2].comment is not None and table.columns[2].comment.text == "Order amount, in 'EUR'"
    assert table.comment is not None and table.comment.text == "All orders"


def test_check_constraints_reach_their_column_and_the_prompt() -> None:
    """Allowed values written as CHECK are what lets a model name them without guessing."""
    from sqlscribe.prompt import messages
    from sqlscribe.suggest import request_for

    sql = """CREATE TABLE tickets (
  id INT PRIMARY KEY,
  status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'closed')),
  priority TEXT,
  opened_on DATE,
  CONSTRAINT ck_priority CHECK (priority IN ('low', 'high')),
  CHECK (opened_on > '2000-01-01' OR priority = 'high')
);"""
    parsed = parse_sql(sql, "postgres")
    assert parsed.diagnostics == []
    (table,) = parsed.tables
    status, priority, opened = table.columns[1:]
    assert status.check == "(status IN ('open', 'closed'))" and status.default == "'open'"
    assert priority.check == "(priority IN ('low', 'high'))"  # the table-level CHECK naming one column
    assert opened.check is None  # a CHECK over two columns belongs to neither
    prompt = messages(request_for(parsed, 0), "tuned")[1]["content"]
    assert "- status TEXT, not null, default 'open', check (status IN ('open', 'closed'))" in prompt
    assert "- priority TEXT, check (priority IN ('low', 'high'))" in prompt


def test_mysql_comment_goes_before_check_and_references() -> None:
    from sqlscribe.ddl import apply_edits, plan_table_edits
    from sqlscribe.docs import TableDocs

    sql = "CREATE TABLE t (s VARCHAR(5) NOT NULL CHECK (s IN ('a','b')) REFERENCES x(y), n INT CHECK (n > 0));"
    (table,) = parse_sql(sql, "mysql").tables
    out = apply_edits(sql, plan_table_edits(table, TableDocs(None, {"s": "S.", "n": "N."})))
    assert "NOT NULL COMMENT 'S.' CHECK (s IN ('a','b')) REFERENCES x(y)" in out
    assert "n INT COMMENT 'N.' CHECK (n > 0)" in out
    (again,) = parse_sql(out, "mysql").tables
    assert [c.comment.text if c.comment else None for c in again.columns] == ["S.", "N."]
    assert again.columns[0].check == "(s IN ('a','b'))"


def test_spark_struct_types_partitioning_and_comments() -> None:
    sql = """CREATE OR REPLACE TABLE main.sales.orders (
  id BIGINT NOT NULL COMMENT 'Order id',
  info STRUCT<a: INT, b: STRING>,
  dt DATE
) USING DELTA PARTITIONED BY (dt) COMMENT 'Orders' TBLPROPERTIES ('delta.appendOnly'='true')"""
    (table,) = parse_sql(sql, "databricks").tables
    assert [c.name for c in table.columns] == ["id", "info", "dt"]
    assert table.columns[1].data_type == "STRUCT<a: INT, b: STRING>"
    assert table.columns[0].comment is not None and table.columns[0].comment.text == "Order id"
    assert table.comment is not None and table.comment.text == "Orders"


def test_snowflake_transient_table_and_comment_equals() -> None:
    sql = "create or replace transient table db.s.t (id number(38,0) not null comment 'k', v variant) comment = 'T';"
    (table,) = parse_sql(sql, "snowflake").tables
    assert table.name == "db.s.t"
    assert table.columns[0].comment is not None and table.columns[0].comment.text == "k"
    assert table.comment is not None and table.comment.text == "T"


def test_bigquery_options_description_on_columns_and_table() -> None:
    sql = """CREATE TABLE `proj.ds.events` (
  event_id STRING NOT NULL OPTIONS(description="Event key"),
  props STRUCT<a INT64, b STRING>,
  ts TIMESTAMP
) PARTITION BY DATE(ts) OPTIONS(description="Events", labels=[("a", "b")]);"""
    (table,) = parse_sql(sql, "bigquery").tables
    assert table.name == "proj.ds.events"
    assert [c.name for c in table.columns] == ["event_id", "props", "ts"]
    assert table.columns[0].comment is not None and table.columns[0].comment.text == "Event key"
    assert table.comment is not None and table.comment.text == "Events"


def test_temporary_and_duckdb_tables() -> None:
    sql = 'CREATE TEMP TABLE t (a HUGEINT, "select" VARCHAR);\nCREATE TEMPORARY TABLE u (b INT);'
    parsed = parse_sql(sql, "duckdb")
    assert [t.name for t in parsed.tables] == ["t", "u"]
    assert [c.name for c in parsed.tables[0].columns] == ["a", "select"]


def test_statements_that_are_not_tables_are_ignored() -> None:
    sql = """CREATE VIEW v AS SELECT 1;
CREATE INDEX i ON t (a);
CREATE FUNCTION f() RETURNS int AS $$ SELECT 1; $$ LANGUAGE sql;
CREATE TABLE t2 AS SELECT 1 AS x;
INSERT INTO t VALUES (1);
CREATE TABLE real_one (a int);"""
    parsed = parse_sql(sql, "postgres")
    # The view and the table made from a query are read (tests/test_views.py); the view has no
    # column: its one is unnamed.
    assert [(t.name, t.kind, len(t.columns)) for t in parsed.tables] == [
        ("v", "view", 0),
        ("t2", "table", 1),
        ("real_one", "table", 1),
    ]
    assert parsed.diagnostics == []


def test_half_typed_statement_gives_partial_table_and_a_diagnostic() -> None:
    sql = "CREATE TABLE ok (a int);\nCREATE TABLE typing (\n  id int,\n  name varch"
    parsed = parse_sql(sql, "postgres")
    ok, typing = parsed.tables
    assert ok.complete and not typing.complete
    assert [c.name for c in typing.columns] == ["id", "name"]
    assert len(parsed.diagnostics) == 1
    assert parsed.diagnostics[0].line >= 2 and "typing" in parsed.diagnostics[0].message


def test_unterminated_string_only_loses_its_own_statement() -> None:
    sql = "CREATE TABLE a (x int);\nCREATE TABLE b (y int COMMENT 'oops);\nCREATE TABLE c (z int);\n"
    parsed = parse_sql(sql, "mysql")
    assert [t.name for t in parsed.tables] == ["a", "c"]
    assert parsed.diagnostics and parsed.diagnostics[0].line == 2


@pytest.mark.parametrize("text", ["", "   \n", "hello world", "SELECT 1;", '{"json": true}', ")))(((", "CREATE"])
def test_garbage_never_raises(text: str) -> None:
    parsed = parse_sql(text)
    assert parsed.tables == []


def test_unicode_and_reserved_word_columns() -> None:
    sql = 'CREATE TABLE "Bestellungen" ("größe" int, "order" text, "user" text, ключ int);'
    (table,) = parse_sql(sql, "postgres").tables
    assert [c.name for c in table.columns] == ["größe", "order", "user", "ключ"]
    assert table.columns[0].name_source == '"größe"'


def test_ten_thousand_tables() -> None:
    sql = "\n".join(f"CREATE TABLE t{i} (id int PRIMARY KEY, v{i} text);" for i in range(10_000))
    parsed = parse_sql(sql, "postgres", validate=False)
    assert len(parsed.tables) == 10_000
    assert parsed.tables[-1].columns[1].name == "v9999"


@pytest.mark.parametrize(
    ("sql", "dialect"),
    [
        ("CREATE TABLE t (a int) ENGINE=InnoDB;", "mysql"),
        ("CREATE TABLE t (a INT64) OPTIONS(description='x');", "bigquery"),
        ("CREATE TABLE t (a BIGINT) USING DELTA;", "databricks"),
        ("CREATE TABLE t (a VARIANT, b TIMESTAMP_NTZ);", "snowflake"),
        ("CREATE TABLE t (a JSONB, b BIGSERIAL);", "postgres"),
        ("CREATE TABLE t (a HUGEINT);", "duckdb"),
        ("CREATE TABLE t (a NUMBER(6), b VARCHAR2(20));", "oracle"),
        ("CREATE TABLE t (a NUMBER(10,0), b VARCHAR(10));", "snowflake"),
        ("CREATE TABLE [dbo].[t] ([a] [int] IDENTITY(1,1) NOT NULL)\nGO\n", "tsql"),
        ("CREATE TABLE t (a UNIQUEIDENTIFIER, b NVARCHAR(MAX));", "tsql"),
        ("-- dialect: sqlserver\nCREATE TABLE t (a int);", "tsql"),
        ("CREATE TABLE t (id INTEGER PRIMARY KEY AUTOINCREMENT, at DATETIME);", "sqlite"),
        ("CREATE TABLE t (a INTEGER, b TEXT) STRICT;", "sqlite"),
        ("CREATE TABLE t (id NUMBER AUTOINCREMENT, v VARIANT);", "snowflake"),
        ("CREATE TABLE t (id INT IDENTITY(1,1), amount NUMBER(10,2), t TIMESTAMP_NTZ);", "snowflake"),
        ("-- dialect: snowflake\nCREATE TABLE t (a int);", "snowflake"),
        ("/* sqlscribe: dialect=bigquery */ CREATE TABLE t (a int);", "bigquery"),
        ("CREATE TABLE t (a UInt64, b String) ENGINE = MergeTree ORDER BY a;", "clickhouse"),
        ("CREATE TABLE t (a Int64, b LowCardinality(String)) ENGINE = Memory;", "clickhouse"),
        ("CREATE TABLE t (a INT64, b STRING);", "bigquery"),  # BigQuery writes its INT64 in capitals
        ("CREATE TABLE t (a int) ENGINE = MyISAM;", "mysql"),
        ("create table t (a integer not null distkey sortkey, b varchar(9));", "redshift"),
        ("CREATE TABLE t (a int ENCODE az64) DISTSTYLE AUTO;", "redshift"),
        ("-- dialect: redshift\nCREATE TABLE t (a int);", "redshift"),
        ("CREATE TABLE h.w.v (ds date)\nWITH (\n   format = 'ORC',\n   partitioned_by = ARRAY['ds']\n)", "trino"),
        ('CREATE TABLE "s"."t" ("id" INTEGER GENERATED ALWAYS AS IDENTITY);', "postgres"),  # a tie: the default
        ("CREATE MULTISET TABLE s.t ,NO FALLBACK (a INTEGER) PRIMARY INDEX (a);", "teradata"),
        ("CREATE TABLE s.t (a INTEGER FORMAT '9') UNIQUE PRIMARY INDEX (a);", "teradata"),
        ("CREATE TABLE t (a int);", "postgres"),
    ],
)
def test_dialect_detection(sql: str, dialect: str) -> None:
    detected, reason = detect_dialect(sql)
    assert detected == dialect
    assert reason and "\n" not in reason  # one line on stderr


def test_drafted_prompt_carries_the_heuristic_draft_of_each_requested_column() -> None:
    from sqlscribe.generate.heuristic import describe_column, describe_table
    from sqlscribe.prompt import messages
    from sqlscribe.suggest import request_for

    sql = """CREATE TABLE buy_orders (
  order_id VARCHAR(36) PRIMARY KEY,
  price_bought_at DECIMAL(65, 30) NOT NULL,
  note TEXT COMMENT 'Free text from the trader.'
);"""
    parsed = parse_sql(sql, "mysql")
    (table,) = parsed.tables
    request = request_for(parsed, 0)
    assert list(request.columns) == ["order_id", "price_bought_at"]  # the commented column is not asked for
    system, user = messages(request, "drafted")
    assert system["content"] == messages(request, "tuned")[0]["content"]
    lines = user["content"].splitlines()
    price = table.column("price_bought_at")
    assert price is not None
    assert f"- price_bought_at DECIMAL(65, 30), not null | draft: {describe_column(price, table)}" in lines
    assert "- note TEXT -- Free text from the trader." in lines  # existing comments are shown, not drafted
    assert f"draft table: {describe_table(table)}" in lines
    assert lines[-1] == "document: table, order_id, price_bought_at"
    # The tuned prompt is the same table without the drafts.
    assert messages(request, "tuned")[1]["content"] == "\n".join(
        line.split(" | draft: ")[0] for line in lines if not line.startswith("draft table: ")
    )
    with pytest.raises(ValueError, match="prompt style"):
        messages(request, "terse")


@pytest.mark.parametrize(
    "tail", ["  id int,\n", "  id int\n", "  id int,\n  name text\n;\nCREATE TABLE after (a int);\n"]
)
def test_an_unclosed_column_list_is_named_as_such(tail: str) -> None:
    """A missing ')' is reported as that, not as a trailing comma, and the tables after it still read."""
    parsed = parse_sql("CREATE TABLE broken (\n" + tail, "postgres")
    broken = parsed.tables[0]
    assert not broken.complete
    assert [d.message for d in parsed.diagnostics] == [
        "table broken: the column list is never closed (a ')' is missing)"
    ]
    assert all(t.complete for t in parsed.tables[1:])


def test_keys_added_by_alter_table_as_pg_dump_writes_them() -> None:
    sql = """CREATE TABLE public.orders (
    id integer NOT NULL,
    customer_id integer,
    placed_at timestamp with time zone
);
ALTER TABLE ONLY public.orders
    ADD CONSTRAINT orders_pkey PRIMARY KEY (id);
ALTER TABLE ONLY public.orders
    ADD CONSTRAINT orders_customer_id_fkey FOREIGN KEY (customer_id) REFERENCES public.customers(id) ON DELETE CASCADE;
ALTER TABLE public.other ADD CONSTRAINT x PRIMARY KEY (id);
ALTER TABLE orders ALTER COLUMN placed_at SET DEFAULT now();
"""
    parsed = parse_sql(sql, "postgres")
    assert parsed.diagnostics == []
    (table,) = parsed.tables
    assert table.primary_key == ("id",)
    id_, customer, placed = table.columns
    assert id_.primary_key and not customer.primary_key and not placed.primary_key
    assert customer.references is not None
    assert (customer.references.ref_table, customer.references.ref_columns) == ("public.customers", ("id",))
    assert table.referenced_tables == ["public.customers"]


def test_unique_keys_declared_for_the_table_mark_their_column() -> None:
    """A one-column UNIQUE constraint, however declared, makes its column unique, as the inline
    keyword does: a key the prompt shows and a comment may name."""
    cases = [
        ("postgres", "CREATE TABLE t (id INT PRIMARY KEY, code TEXT, a INT, b INT, UNIQUE (code), UNIQUE (a, b));"),
        ("mysql", "CREATE TABLE t (id INT, code VARCHAR(9), a INT, b INT, PRIMARY KEY (id),\n"
         "  UNIQUE KEY uk_code (code(5)) USING BTREE, UNIQUE INDEX uk_ab (a, b));"),
        ("tsql", "CREATE TABLE t (id INT, code VARCHAR(9), a INT, b INT, CONSTRAINT uq UNIQUE NONCLUSTERED (code));"),
        ("postgres", "CREATE TABLE t (id INT, code TEXT, a INT, b INT);\n"
         "ALTER TABLE ONLY t ADD CONSTRAINT t_code_key UNIQUE (code);"),
    ]  # fmt: skip
    for dialect, sql in cases:
        parsed = parse_sql(sql, dialect)
        (table,) = parsed.tables
        assert parsed.diagnostics == [] and table.complete, sql
        assert [c.name for c in table.columns if c.unique] == ["code"], sql  # a and b are unique together only
        assert "UNIQUE" in table.columns[1].constraints


def test_a_pg_dump_with_data_and_functions_reads_cleanly() -> None:
    """COPY blocks hold rows, not SQL (a quote in a name must not open a string)."""
    sql = """SET client_encoding = 'UTF8';
SELECT pg_catalog.set_config('search_path', '', false);

CREATE FUNCTION public.touch() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
  NEW.updated_at := now(); -- it's set here;
  RETURN NEW;
END;
$$;

CREATE TABLE public.authors (
    id integer NOT NULL,
    full_name text NOT NULL
);

COPY public.authors (id, full_name) FROM stdin;
1\tO'Brien, Flann;
2\tJane "JJ" Doe
\\.

CREATE TABLE public.books (
    id integer NOT NULL,
    author_id integer
);

COPY public.books (id, author_id) FROM stdin;
\\.

ALTER TABLE ONLY public.books
    ADD CONSTRAINT books_author_id_fkey FOREIGN KEY (author_id) REFERENCES public.authors(id);
"""
    parsed = parse_sql(sql)
    assert parsed.dialect == "postgres"
    assert parsed.diagnostics == []
    assert [t.name for t in parsed.tables] == ["public.authors", "public.books"]
    author = parsed.tables[1].column("author_id")
    assert author is not None and author.references is not None and author.references.ref_table == "public.authors"
    # Offsets are the file's own: the second table's text is where the reader says.
    books = parsed.tables[1]
    assert sql[books.span.start : books.span.end].startswith("CREATE TABLE public.books (")


@pytest.mark.parametrize(
    ("sql", "dialect"),
    [
        # Types sqlglot does not know.
        ("CREATE TABLE places (id INT PRIMARY KEY, geo point NOT NULL SRID 4326) ENGINE=InnoDB;", "mysql"),
        ("CREATE TABLE flags (id int, bits bit varying(8));", "postgres"),
        # A clause after the column list that sqlglot does not know, in a statement that is ended.
        ("CREATE TABLE p (id INT PRIMARY KEY) ENGINE=InnoDB PARTITION BY HASH (id) PARTITIONS 4;", "mysql"),
    ],
)
def test_statements_sqlglot_cannot_parse_but_are_whole_are_complete(sql: str, dialect: str) -> None:
    parsed = parse_sql(sql, dialect)
    assert parsed.diagnostics == [] and parsed.tables[0].complete


@pytest.mark.parametrize(
    "sql",
    [
        "CREATE TABLE t (a int, b int NOT);",  # a constraint half typed
        "CREATE TABLE p (id INT PRIMARY KEY) ENGINE=InnoDB PARTITION BY HASH (id) PARTITIONS 4",  # not ended
    ],
)
def test_statements_still_being_typed_stay_incomplete(sql: str) -> None:
    parsed = parse_sql(sql, "mysql")
    assert len(parsed.diagnostics) == 1 and not parsed.tables[0].complete


def test_a_column_defined_twice_makes_the_table_incomplete() -> None:
    sql = "CREATE TABLE t (\n  a INT,\n  b TEXT,\n  a INT COMMENT 'kept'\n);"
    parsed = parse_sql(sql, "mysql")
    (table,) = parsed.tables
    assert not table.complete
    assert [d.message for d in parsed.diagnostics] == ["table t: column a is defined twice"]


def test_comment_on_documents_the_table_created_last_before_it() -> None:
    # A migration script that drops and creates a table again: each COMMENT ON acts on the
    # table that exists when it runs, and one above every CREATE documents the first.
    sql = (
        "COMMENT ON COLUMN t.a IS 'early';\n"
        "CREATE TABLE t (a int, b int);\nCOMMENT ON COLUMN t.b IS 'first b';\n"
        "ALTER TABLE t ADD CONSTRAINT pk PRIMARY KEY (a);\n"
        "DROP TABLE t;\n"
        "CREATE TABLE t (a int, b int);\nCOMMENT ON TABLE t IS 'second';\n"
    )
    first, second = parse_sql(sql, "postgres").tables
    assert [c.comment.text if c.comment else None for c in first.columns] == ["early", "first b"]
    assert first.comment is None and first.primary_key == ("a",)
    assert [c.comment for c in second.columns] == [None, None]
    assert second.comment is not None and second.comment.text == "second" and not second.primary_key


def test_a_parser_bug_on_odd_input_is_a_diagnostic_not_a_crash() -> None:
    # sqlglot raises TypeError (not ParseError) on this MySQL: the reader must not pass it on.
    import sqlglot

    odd = "CREATE TABLE t (a INT) ENGINE=InnoDB DEFAULT COMMENT ON"
    with pytest.raises(Exception) as raised:
        sqlglot.parse_one(odd, read="mysql")
    assert not isinstance(raised.value, sqlglot.ParseError)  # else this test no longer tests the catch
    parsed = parse_sql(odd, "mysql")
    assert [(t.name, t.complete) for t in parsed.tables] == [("t", False)]
    assert [d.message.split(":")[0] for d in parsed.diagnostics] == ["table t"]


def test_clickhouse_table_elements_that_are_not_columns() -> None:
    sql = """CREATE TABLE IF NOT EXISTS db.t ON CLUSTER '{cluster}' (
    id UInt64,
    score Float32 ALIAS id < 10,
    INDEX ix score TYPE minmax GRANULARITY 1,
    PROJECTION p (SELECT id ORDER BY score),
    n Nested(k String, v UInt8)
) ENGINE = ReplicatedMergeTree ORDER BY id COMMENT 'kept'"""
    (table,) = parse_sql(sql, "clickhouse").tables
    assert table.complete and table.name == "db.t"
    assert [(c.name, c.data_type) for c in table.columns] == [
        ("id", "UInt64"),
        ("score", "Float32"),
        ("n", "Nested(k String, v UInt8)"),
    ]
    assert table.comment is not None and table.comment.text == "kept"


def test_redshift_column_distribution_keys_and_encodings() -> None:
    sql = "create table sales (salesid integer not null distkey sortkey, qty smallint encode az64) diststyle key;"
    (table,) = parse_sql(sql, "redshift").tables
    assert table.complete
    assert [(c.name, c.data_type, c.not_null) for c in table.columns] == [
        ("salesid", "integer", True),
        ("qty", "smallint", False),
    ]


def test_a_column_named_period_is_a_column() -> None:
    sql = """CREATE TABLE prices (
    period tstzrange NOT NULL,
    amount numeric,
    valid_from timestamp, valid_to timestamp,
    PERIOD FOR SYSTEM_TIME (valid_from, valid_to),
    CONSTRAINT no_overlap EXCLUDE USING gist (period WITH &&)
);"""
    (table,) = parse_sql(sql, "postgres").tables
    assert [c.name for c in table.columns] == ["period", "amount", "valid_from", "valid_to"]


ORACLE_EXPORT = """CREATE TABLE "HR"."EMPLOYEES"
   (\t"EMPLOYEE_ID" NUMBER(6,0),
\t"HIRE_DATE" DATE CONSTRAINT "EMP_HIRE_DATE_NN" NOT NULL ENABLE,
\t"ENABLE" NUMBER(1,0) DEFAULT 1 NOT NULL DISABLE NOVALIDATE,
\t"DEPARTMENT_ID" NUMBER(4,0),
\t CONSTRAINT "EMP_EMP_ID_PK" PRIMARY KEY ("EMPLOYEE_ID")
  USING INDEX PCTFREE 10 INITRANS 2 MAXTRANS 255 COMPUTE STATISTICS
  STORAGE(INITIAL 65536 NEXT 1048576 BUFFER_POOL DEFAULT)
  TABLESPACE "EXAMPLE"  ENABLE,
\t CONSTRAINT "EMP_DEPT_FK" FOREIGN KEY ("DEPARTMENT_ID")
\t  REFERENCES "HR"."DEPARTMENTS" ("DEPARTMENT_ID") RELY ENABLE
   ) SEGMENT CREATION IMMEDIATE
  PCTFREE 10 PCTUSED 40 INITRANS 1 MAXTRANS 255 NOCOMPRESS LOGGING
  TABLESPACE "EXAMPLE" ;
"""


def test_oracles_own_export_with_constraint_states_and_index_storage_reads_complete() -> None:
    """What DBMS_METADATA.GET_DDL and SQL Developer write: sqlglot stops at ENABLE and USING INDEX."""
    parsed = parse_sql(ORACLE_EXPORT)
    assert parsed.dialect == "oracle" and parsed.diagnostics == []
    (table,) = parsed.tables
    assert table.complete
    assert [c.name for c in table.columns] == ["EMPLOYEE_ID", "HIRE_DATE", "ENABLE", "DEPARTMENT_ID"]
    assert table.key_columns == ["EMPLOYEE_ID"]
    department = table.column("DEPARTMENT_ID")
    assert department is not None and department.references is not None
    assert department.references.ref_table == "HR.DEPARTMENTS"


def test_snowflakes_get_ddl_with_its_clustering_before_the_columns() -> None:
    sql = """create or replace TABLE ANALYTICS.CORE.ORDERS cluster by (ORDER_DATE, date_trunc('day', AT))(
\tORDER_ID NUMBER(38,0) NOT NULL autoincrement start 1 increment 1 noorder,
\tAT TIMESTAMP_NTZ(9) COMMENT 'When',
\tprimary key (ORDER_ID)
)COMMENT='All orders'
;"""
    parsed = parse_sql(sql)
    assert parsed.dialect == "snowflake" and parsed.diagnostics == []
    (table,) = parsed.tables
    assert table.complete and [c.name for c in table.columns] == ["ORDER_ID", "AT"]
    assert table.comment is not None and table.comment.text == "All orders"
    docs = TableDocs(None, {"ORDER_ID": "Order number."})
    new = apply_edits(sql, plan_table_edits(table, docs))
    assert "\tORDER_ID NUMBER(38,0) COMMENT 'Order number.' NOT NULL autoincrement" in new


def test_a_bigquery_description_takes_a_line_of_its_own_in_options_written_one_per_line() -> None:
    sql = "CREATE TABLE `p.d.t`\n(\n  a STRING\n)\nOPTIONS(\n  require_partition_filter=true\n);"
    (table,) = parse_sql(sql, "bigquery").tables
    new = apply_edits(sql, plan_table_edits(table, TableDocs("The t.", {})))
    assert new.endswith("OPTIONS(\n  description='The t.',\n  require_partition_filter=true\n);")
    one_line = "CREATE TABLE t (a STRING) OPTIONS(labels=[('a', 'b')]);"
    (table,) = parse_sql(one_line, "bigquery").tables
    new = apply_edits(one_line, plan_table_edits(table, TableDocs("The t.", {})))
    assert new.endswith("OPTIONS(description='The t.', labels=[('a', 'b')]);")
