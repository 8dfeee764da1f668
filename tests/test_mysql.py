"""A live MySQL-family database: a real MariaDB server (Debian's, started here), through PyMySQL.

MySQL can change a column's comment only by restating the column, so `sqlscribe document
mysql://…` prints one ALTER TABLE per table, each column restated as SHOW CREATE TABLE printed
it with the comment in place; with --write they run and the comments are read back.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pymysql
import pytest
from in_process import run

from sqlscribe.databases import DatabaseError, connect, document_database, masked
from sqlscribe.generate import HeuristicBackend

SCHEMA = [
    """CREATE TABLE customers (
  id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  `Full Name` VARCHAR(200) CHARACTER SET latin1 COLLATE latin1_bin NOT NULL,
  `order` INT DEFAULT 3,
  status ENUM('new','vip') NOT NULL DEFAULT 'new',
  created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,
  order_x2 INT AS (`order` * 2) VIRTUAL,
  doc JSON,
  KEY idx_name (`Full Name`)
) ENGINE=InnoDB COMMENT='People who buy'""",
    """CREATE TABLE orders (
  order_id INT NOT NULL AUTO_INCREMENT,
  customer_id BIGINT UNSIGNED NOT NULL,
  total_cents INT COMMENT 'Order total in cents, it''s tax included.' CHECK (total_cents >= 0),
  PRIMARY KEY (order_id),
  CONSTRAINT fk_customer FOREIGN KEY (customer_id) REFERENCES customers (id)
)""",
    "CREATE VIEW big_orders AS SELECT * FROM orders WHERE total_cents > 10000",
]


@pytest.fixture(scope="module")
def server() -> Iterator[Path]:
    """A throwaway MariaDB server on a Unix socket, no network; the socket's path."""
    mariadbd = shutil.which("mariadbd", path=f"{os.environ.get('PATH', '')}:/usr/sbin")
    install = shutil.which("mariadb-install-db")
    if mariadbd is None or install is None:
        pytest.skip("MariaDB is not installed (Debian: apt-get install mariadb-server)")
    root = Path(tempfile.mkdtemp(prefix="sqlscribe-my-"))
    as_root = ["--user=root"] if os.geteuid() == 0 else []  # the server runs as the user it is started by
    data, sock = root / "data", root / "sock"
    subprocess.run(
        [
            install,
            "--no-defaults",
            f"--datadir={data}",
            "--skip-test-db",
            "--auth-root-authentication-method=normal",
            *as_root,
        ],
        check=True,
        capture_output=True,
    )
    process = subprocess.Popen(
        [
            mariadbd,
            "--no-defaults",
            f"--datadir={data}",
            f"--socket={sock}",
            "--skip-networking",
            *as_root,
            f"--log-error={root / 'log'}",
            f"--pid-file={root / 'pid'}",
            "--innodb-buffer-pool-size=16M",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(300):
            with contextlib.suppress(pymysql.Error):
                pymysql.connect(unix_socket=str(sock), user="root").close()
                break
            time.sleep(0.1)
        else:
            pytest.fail(f"MariaDB did not start: {(root / 'log').read_text(errors='replace')[-2000:]}")
        yield sock
    finally:
        process.terminate()
        process.wait(timeout=60)
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture
def my(server: Path) -> Iterator[str]:
    """A fresh database holding SCHEMA; its URL."""
    name = f"shop_{os.urandom(4).hex()}"
    with pymysql.connect(unix_socket=str(server), user="root", autocommit=True) as conn, conn.cursor() as cur:
        cur.execute(f"CREATE DATABASE {name}")
        cur.execute(f"USE {name}")
        for statement in SCHEMA:
            cur.execute(statement)
    yield f"mysql://root@localhost/{name}?unix_socket={server}"
    with pymysql.connect(unix_socket=str(server), user="root", autocommit=True) as conn, conn.cursor() as cur:
        cur.execute(f"DROP DATABASE {name}")


def shown(url: str, table: str) -> str:
    database = url.split("/")[3].split("?")[0]
    with pymysql.connect(unix_socket=url.split("unix_socket=")[1], user="root") as conn, conn.cursor() as cur:
        cur.execute(f"SHOW CREATE TABLE `{database}`.`{table}`")
        return str(cur.fetchone()[1])


def comments(url: str) -> dict[str, str]:
    """Every table and column comment of the database, as information_schema holds them."""
    database = url.split("/")[3].split("?")[0]
    with pymysql.connect(unix_socket=url.split("unix_socket=")[1], user="root") as conn, conn.cursor() as cur:
        cur.execute(
            "SELECT TABLE_NAME, TABLE_COMMENT FROM information_schema.TABLES"
            " WHERE TABLE_SCHEMA = %s AND TABLE_TYPE = 'BASE TABLE' AND TABLE_COMMENT <> ''",
            [database],
        )
        found = {name: text for name, text in cur.fetchall()}
        cur.execute(
            "SELECT TABLE_NAME, COLUMN_NAME, COLUMN_COMMENT FROM information_schema.COLUMNS"
            " WHERE TABLE_SCHEMA = %s AND COLUMN_COMMENT <> ''",
            [database],
        )
        found |= {f"{table}.{column}": text for table, column, text in cur.fetchall()}
    return found


_COMMENTS = re.compile(r" COMMENT ?=? ?'(?:[^'\\]|''|\\.)*'")


def test_mysql_prints_alter_table_then_writes_and_reads_back(my: str) -> None:
    before = {t: shown(my, t) for t in ("customers", "orders")}
    code, out, err = run("document", my, "--backend", "heuristic")
    assert code == 0, err
    assert {t: shown(my, t) for t in before} == before  # without --write nothing is written
    database = my.split("/")[3].split("?")[0]
    assert out.count("ALTER TABLE ") == 2 and "big_orders" not in out  # tables, not the view
    # Each column restated exactly as the server defines it, the comment in MySQL's place for it.
    assert (
        "  MODIFY COLUMN `created_at` timestamp NOT NULL DEFAULT current_timestamp() ON UPDATE current_timestamp()"
        " COMMENT 'Timestamp when the customer was created.',"
    ) in out
    assert "COMMENT 'Document of the customer.' CHECK (json_valid(`doc`))" in out
    assert f"ALTER TABLE `{database}`.`orders`" in out and "COMMENT = 'Orders, one row per order.';" in out
    assert "total_cents" not in out and "People who buy" not in out  # the authors' comments are kept

    code, _, err = run("document", my, "--backend", "heuristic", "--write")
    assert code == 0, err
    got = comments(my)
    assert got["orders.total_cents"] == "Order total in cents, it's tax included."
    assert got["customers"] == "People who buy"
    assert got["customers.Full Name"] == "Full name of the customer."
    assert got["orders.customer_id"] == "Reference to the customer (customers.id)."
    assert got["orders"] == "Orders, one row per order."
    # Nothing but the comments changed: without them, each definition reads as before.
    for table, text in before.items():
        assert _COMMENTS.sub("", shown(my, table)) == _COMMENTS.sub("", text)
    # A second run finds every table documented.
    code, out, err = run("document", my, "--backend", "heuristic", "--write")
    assert code == 0 and out == "" and "documented 0 tables" in err


def test_mysql_overwrite_and_schema(my: str, server: Path) -> None:
    code, out, err = run("document", my, "--backend", "heuristic", "--overwrite-existing")
    assert code == 0, err
    restated = r"MODIFY COLUMN `total_cents` int\(11\) DEFAULT NULL COMMENT '[^']+' CHECK \(`total_cents` >= 0\)"
    assert re.search(restated, out)
    assert "tax included" not in out
    assert "COMMENT = 'Customers, one row per customer.'" in out  # replaces the author's
    # --schema names databases; with no database in the URL, it picks which.
    database = my.split("/")[3].split("?")[0]
    bare = f"mysql://root@localhost/?unix_socket={server}"
    code, out, err = run("document", bare, "--backend", "heuristic", "--schema", database)
    assert code == 0, err
    assert f"ALTER TABLE `{database}`.`customers`" in out


def test_mysql_a_failing_statement_stops_and_says_what_was_written(my: str) -> None:
    db = connect(my, write=True)
    database = my.split("/")[3].split("?")[0]
    try:
        with pytest.raises(DatabaseError, match=r"statement 2 of 2 failed \(1 table written before it"):
            db.execute(
                [f"ALTER TABLE `{database}`.orders COMMENT = 'kept'", f"ALTER TABLE `{database}`.no COMMENT = ''"]
            )
        assert comments(my)["orders"] == "kept"
        outcome = document_database(db, HeuristicBackend(), write=True)
        assert outcome.written and outcome.problems == []
    finally:
        db.close()


def test_mysql_connection_errors_are_one_line_and_hide_the_password(tmp_path: Path) -> None:
    url = f"mysql://bob:s3cret@localhost/shop?unix_socket={tmp_path / 'no.sock'}"
    assert masked(url).startswith("mysql://bob:***@localhost/shop")
    code, out, err = run("document", url, "--backend", "heuristic")
    assert code == 1 and out == ""
    assert "cannot connect" in err and "s3cret" not in err and "Traceback" not in err


@pytest.mark.model
def test_the_embedded_model_documents_a_live_mysql_database(my: str) -> None:
    code, _, err = run("document", my, "--write", "--no-cache")
    assert code == 0, err
    got = comments(my)
    assert {"orders", "orders.order_id", "orders.customer_id", "customers.doc"} <= set(got)
    assert got["orders.total_cents"] == "Order total in cents, it's tax included."
    assert all(text.strip() for text in got.values())


def test_a_documented_migration_runs_in_mariadb_with_each_comment_before_its_place(my: str, tmp_path: Path) -> None:
    """MySQL comments an added column inside its definition, before FIRST / AFTER."""
    path = tmp_path / "V7__order_discounts.sql"
    path.write_text(
        "ALTER TABLE orders\n"
        "  ADD COLUMN discount_pct DECIMAL(5,2) NOT NULL DEFAULT 0 AFTER customer_id,\n"
        "  ADD COLUMN coupon_cd VARCHAR(16) FIRST,\n"
        "  ADD INDEX ix_coupon (coupon_cd);\n",
        encoding="utf-8",
    )
    code, _, err = run("document", str(path), "--dialect", "mysql", "--backend", "heuristic", "--write")
    assert code == 0, err
    written = path.read_text(encoding="utf-8")
    assert "DEFAULT 0 COMMENT 'Discount of the order as a percentage.' AFTER customer_id," in written
    database = my.split("/")[3].split("?")[0]
    socket = my.split("unix_socket=")[1]
    with pymysql.connect(unix_socket=socket, user="root", database=database) as conn, conn.cursor() as cur:
        cur.execute(written)
    got = comments(my)
    assert got["orders.discount_pct"] == "Discount of the order as a percentage."
    assert got["orders.coupon_cd"] == "Coupon code of the order."
    assert shown(my, "orders").index("`coupon_cd`") < shown(my, "orders").index("`order_id`")  # FIRST still holds


def test_a_migrations_modify_keeps_its_columns_comment_in_mariadb_once_documented(my: str, tmp_path: Path) -> None:
    """MySQL's MODIFY defines a column anew: without the comment restated, the server drops it."""
    migration = (
        "CREATE TABLE {t} (id INT PRIMARY KEY, status VARCHAR(16) NOT NULL COMMENT 'Lifecycle state: new, paid');\n"
        "ALTER TABLE {t} MODIFY COLUMN status VARCHAR(32) NOT NULL;\n"
    )
    path = tmp_path / "V3__status.sql"
    path.write_text(migration.format(t="shipments"), encoding="utf-8")
    code, _, err = run("document", str(path), "--dialect", "mysql", "--backend", "heuristic", "--write")
    assert code == 0, err
    assert "VARCHAR(32) NOT NULL COMMENT 'Lifecycle state: new, paid';" in path.read_text(encoding="utf-8")
    database = my.split("/")[3].split("?")[0]
    socket = my.split("unix_socket=")[1]
    with pymysql.connect(unix_socket=socket, user="root", database=database) as conn, conn.cursor() as cur:
        for statement in path.read_text(encoding="utf-8").split(";\n")[:-1]:
            cur.execute(statement)
        for statement in migration.format(t="as_written").split(";\n")[:-1]:
            cur.execute(statement)
    got = comments(my)
    assert got["shipments.status"] == "Lifecycle state: new, paid"
    assert "as_written.status" not in got  # the migration as written lost it


def test_a_new_migration_restates_each_column_and_mariadb_keeps_everything_else(my: str, tmp_path: Path) -> None:
    """`--to` in MySQL: each column is commented by a MODIFY that restates its latest definition
    without the keys and constraints it declared (a second PRIMARY KEY fails, a second UNIQUE adds an
    index), so that once it runs the tables are as before but for their comments."""
    (tmp_path / "V1__init.sql").write_text(
        "CREATE TABLE shoppers (\n"
        "  id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,\n"
        "  email VARCHAR(200) CHARACTER SET latin1 COLLATE latin1_bin NOT NULL UNIQUE KEY,\n"
        "  visits INT DEFAULT 3 CHECK (visits >= 0),\n"
        "  status ENUM('new','vip') NOT NULL DEFAULT 'new' COMMENT 'Lifecycle: new, then vip',\n"
        "  updated_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP\n"
        ") ENGINE=InnoDB;\n"
        "CREATE TABLE baskets (\n"
        "  basket_id INT NOT NULL AUTO_INCREMENT,\n"
        "  shopper_id BIGINT UNSIGNED NOT NULL,\n"
        "  amt INT NOT NULL,\n"
        "  PRIMARY KEY (basket_id),\n"
        "  CONSTRAINT fk_shopper FOREIGN KEY (shopper_id) REFERENCES shoppers (id)\n"
        ") COMMENT='Baskets being filled';\n",
        encoding="utf-8",
    )
    (tmp_path / "V2__more.sql").write_text(
        "ALTER TABLE baskets CHANGE amt total_cents INT NOT NULL DEFAULT 0;\n"
        "ALTER TABLE baskets ADD COLUMN note TEXT AFTER shopper_id;\n"
        "RENAME TABLE shoppers TO clients;\n",
        encoding="utf-8",
    )
    target = tmp_path / "V3__document.sql"
    code, _, err = run("document", str(tmp_path), "--backend", "heuristic", "--to", str(target), "--write")
    assert code == 0, err
    database = my.split("/")[3].split("?")[0]
    socket = my.split("unix_socket=")[1]

    def migrate(names: list[str]) -> None:
        with pymysql.connect(unix_socket=socket, user="root", database=database) as conn, conn.cursor() as cur:
            for name in names:
                text = (tmp_path / name).read_text(encoding="utf-8")
                for statement in re.sub(r"(?m)^--.*\n", "", text).split(";\n"):
                    if statement.strip():
                        cur.execute(statement)

    migrate(["V1__init.sql", "V2__more.sql"])
    before = {t: _COMMENTS.sub("", shown(my, t)).splitlines() for t in ("clients", "baskets")}
    migrate(["V3__document.sql"])
    for table, lines in before.items():  # keys, indexes, checks, defaults, AUTO_INCREMENT: as they were
        assert _COMMENTS.sub("", shown(my, table)).splitlines() == lines
    got = comments(my)
    assert got["clients.status"] == "Lifecycle: new, then vip"  # not restated: it has its comment
    assert got["baskets"] == "Baskets being filled"
    assert {k for k in got if k.startswith("clients")} == {
        "clients",
        "clients.id",
        "clients.email",
        "clients.visits",
        "clients.status",
        "clients.updated_at",
    }
    assert {k for k in got if k.startswith("baskets.")} == {
        "baskets.basket_id",
        "baskets.shopper_id",
        "baskets.note",
        "baskets.total_cents",
    }
    code, out, err = run("document", str(tmp_path), "--check")
    assert code == 0, out + err


def test_a_live_mysql_databases_missing_comments_go_into_a_new_migration(my: str, tmp_path: Path) -> None:
    (tmp_path / "000001_shop.up.sql").write_text("SELECT 1;\n", encoding="utf-8")
    before = {t: shown(my, t) for t in ("customers", "orders")}
    code, _, err = run("document", my, "--backend", "heuristic", "--to", str(tmp_path), "--write")
    assert code == 0, err
    assert {t: shown(my, t) for t in before} == before  # nothing run
    written = (tmp_path / "000002_document_comments.up.sql").read_text(encoding="utf-8")
    database = my.split("/")[3].split("?")[0]
    socket = my.split("unix_socket=")[1]
    with pymysql.connect(unix_socket=socket, user="root", database=database) as conn, conn.cursor() as cur:
        for statement in re.sub(r"(?m)^--.*\n", "", written).split(";\n"):
            if statement.strip():
                cur.execute(statement)
    for table, text in before.items():  # only the comments changed
        assert _COMMENTS.sub("", shown(my, table)) == _COMMENTS.sub("", text)
    code, out, err = run("document", "--check", my)
    assert code == 0, out + err
    # Its .down.sql restates each column as the server defined it: every table as it was.
    undo = (tmp_path / "000002_document_comments.down.sql").read_text(encoding="utf-8")
    with pymysql.connect(unix_socket=socket, user="root", database=database) as conn, conn.cursor() as cur:
        for statement in re.sub(r"(?m)^--.*\n", "", undo).split(";\n"):
            if statement.strip():
                cur.execute(statement)
    assert {t: shown(my, t) for t in before} == before


def test_a_goose_migrations_down_section_sets_mariadbs_tables_back(my: str, tmp_path: Path) -> None:
    """In a goose folder the new migration has its Down section; in MariaDB it restates each column
    as the folder left it, so that after Up and Down the tables are byte for byte as before (the
    comment --overwrite-existing replaced is back, those added are gone)."""
    (tmp_path / "00001_init.sql").write_text(
        "-- +goose Up\n"
        "CREATE TABLE members (\n"
        "  id INT NOT NULL AUTO_INCREMENT PRIMARY KEY,\n"
        "  handle VARCHAR(40) NOT NULL UNIQUE COMMENT 'Shown on posts',\n"
        "  karma INT DEFAULT 0 CHECK (karma >= -100)\n"
        ") ENGINE=InnoDB COMMENT='Forum members';\n\n"
        "-- +goose Down\n"
        "DROP TABLE members;\n",
        encoding="utf-8",
    )
    code, _, err = run(
        "document", str(tmp_path), "--backend", "heuristic", "--to", str(tmp_path), "--write", "--overwrite-existing"
    )
    assert code == 0, err
    (new,) = [p for p in tmp_path.iterdir() if p.name != "00001_init.sql"]
    database = my.split("/")[3].split("?")[0]
    socket = my.split("unix_socket=")[1]

    def migrate(text: str) -> None:
        with pymysql.connect(unix_socket=socket, user="root", database=database) as conn, conn.cursor() as cur:
            for statement in re.sub(r"(?m)^--.*\n", "", text).split(";\n"):
                if statement.strip():
                    cur.execute(statement)

    migrate((tmp_path / "00001_init.sql").read_text(encoding="utf-8").split("-- +goose Down")[0])
    before = shown(my, "members")
    up, down = new.read_text(encoding="utf-8").split("-- +goose Down\n")
    migrate(up)
    assert comments(my)["members.handle"] != "Shown on posts" and "members.karma" in comments(my)
    migrate(down)
    assert shown(my, "members") == before
