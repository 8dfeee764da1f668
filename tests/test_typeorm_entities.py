"""TypeORM's entities, read from TypeScript as the PostgreSQL tables TypeORM makes of them, and
documented in the decorators' own ``comment`` options, in the file's layout. TypeScript and
TypeORM themselves compile and synchronize such a file into PostgreSQL in
tests/test_databases.py."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from in_process import run

from sqlscribe.ddl import parse_sql
from sqlscribe.python_models import found_models
from sqlscribe.python_source import ModelsError
from sqlscribe.typeorm_entities import _unquote, holds_entities, read_entities, ts_string

ENTITIES = r"""import { Column as Col, Entity, OneToOne, JoinColumn, ManyToOne, PrimaryColumn, PrimaryGeneratedColumn,
  VersionColumn, DeleteDateColumn, Unique, ViewEntity, ViewColumn } from 'typeorm';
import * as orm from "typeorm";
import { IsEmail, Matches } from "class-validator";

export enum Plan { Free = "free", Pro = "pro" }
enum Level { Low = 1, Mid, High }
const pattern = /['"{]+/g; // a regex with quotes and a brace, and a comment: @Column() fake: string;

/**
 * Accounts of the people who sign in.
 * @see https://example.com
 */
@Entity({ name: "accounts", schema: "auth" })
@Unique(["handle"])
export class Account {
  @PrimaryGeneratedColumn("uuid")
  id: string;

  @Col({ length: 120 }) @IsEmail()
  email: string;

  @Col()
  handle!: string;

  @Col({ type: "enum", enum: Plan, default: Plan.Pro })
  plan: Plan;

  @Col({ type: "int", enum: Level, default: Level.Mid, nullable: true })
  level: Level | null;

  @Col({ enum: ["a", "b"] as const })
  grade: "a" | "b";

  /** When the account last signed in. */
  @Col({ name: "last_seen", type: "timestamptz", precision: 3, nullable: true })
  lastSeen?: Date;

  @Col("jsonb", { default: () => "'{}'::jsonb" })
  settings: Record<string, unknown>;

  @Col("text", { array: true, default: () => "'{}'" })
  aliases: string[];

  @Matches(/^[a-z"]+$/)
  @Col()
  active: boolean;

  @Col(() => Address)
  address: Address;

  @VersionColumn()
  version: number;

  @DeleteDateColumn()
  removedAt?: Date;

  private cache = new Map<string, string>();

  constructor(email?: string) {
    this.email = email ?? `${"x"}@y`;
  }

  get name(): string {
    return this.email.split("@")[0];
  }

  static of(email: string): Account {
    return new Account(email);
  }
}

@orm.Entity()
export class UserProfile {
  @orm.PrimaryGeneratedColumn({ type: "bigint" })
  id: string;

  @OneToOne(() => Account)
  @JoinColumn()
  account: Account;

  @ManyToOne("Team", { nullable: false })
  team: unknown;

  @ManyToOne(() => Account)
  @JoinColumn({ name: "referrer" })
  referrer: Account;

  @Col()
  referrer_id_note: string;
}

@ViewEntity({ expression: "select 1 as one" })
export class Ones {
  @ViewColumn()
  one: number;
}
"""


def _read(text: str, name: str = "account.entity.ts"):  # type: ignore[no-untyped-def]
    return read_entities(Path(name), text)


def test_the_tables_are_read_as_typeorm_makes_them_in_postgresql() -> None:
    entities = _read(ENTITIES)
    account, profile = entities.models  # the view entity is no table
    assert (account.schema, account.table, profile.table) == ("auth", "accounts", "user_profile")
    assert account.docstring == "Accounts of the people who sign in."  # JSDoc, its tags left out
    columns = {c.column: c for c in account.columns}
    assert list(columns) == [
        "id",
        "email",
        "handle",
        "plan",
        "level",
        "grade",
        "last_seen",
        "settings",
        "aliases",
        "active",
        "version",
        "removedAt",
    ]  # the embedded address, the methods, the accessor and the plain property are none
    assert {name: c.data_type for name, c in columns.items()} == {
        "id": "uuid",
        "email": "varchar(120)",
        "handle": "varchar",
        "plan": "varchar",
        "level": "integer",
        "grade": "varchar",
        "last_seen": "timestamp(3) with time zone",
        "settings": "jsonb",
        "aliases": "text[]",
        "active": "boolean",
        "version": "integer",
        "removedAt": "timestamp",
    }
    assert columns["id"].primary and columns["id"].default == "uuid_generate_v4()"
    assert columns["handle"].unique and not columns["email"].unique  # @Unique(["handle"])
    assert columns["email"].not_null and not columns["level"].not_null and not columns["removedAt"].not_null
    assert columns["plan"].check == "plan IN ('free', 'pro')" and columns["plan"].default == "'pro'"
    assert columns["level"].check is None and columns["level"].default == "2"  # an int column's enum: no CHECK
    assert columns["grade"].check == "grade IN ('a', 'b')"
    assert columns["settings"].default == "'{}'::jsonb"
    assert columns["last_seen"].lent == "When the account last signed in."
    profile_columns = {c.column: c for c in profile.columns}
    assert list(profile_columns) == ["id", "referrer_id_note", "accountId", "teamId", "referrer"]
    assert profile_columns["id"].data_type == "bigint"
    assert profile_columns["accountId"].references == ("accounts", "id")
    assert profile_columns["accountId"].data_type == "uuid" and profile_columns["accountId"].unique  # one-to-one
    assert profile_columns["teamId"].references == ("team", "id") and profile_columns["teamId"].not_null
    assert profile_columns["referrer"].decorator is None  # a join column: no comment can be kept on it
    tables = parse_sql(entities.ddl(), "postgres").tables
    assert [t.short_name for t in tables] == ["accounts", "user_profile"]
    assert not parse_sql(entities.ddl(), "postgres").diagnostics


def test_a_file_is_documented_in_its_decorators_in_its_own_layout(tmp_path: Path) -> None:
    """Single quotes where the file writes them, Prettier's width from .prettierrc, options
    entries broken one a line past it, a new options object hugged by the call's parentheses,
    and a relation's join column never asked for. Documenting again finds nothing to do."""
    (tmp_path / ".prettierrc").write_text('{ "printWidth": 100, "singleQuote": true }', encoding="utf-8")
    path = tmp_path / "src" / "account.entity.ts"
    path.parent.mkdir()
    path.write_text(ENTITIES, encoding="utf-8")
    code, out, err = run("document", "--check", str(path))
    assert code == 1
    assert "entity UserProfile (user_profile): no entity comment; 2 of 5 columns without a comment: id," in out
    assert "referrer," not in out and "accountId" not in out  # join columns are not asked for
    code, _, err = run("document", "--backend", "heuristic", "--write", str(tmp_path))
    assert code == 0, err
    text = path.read_text(encoding="utf-8")
    assert "@Col({ length: 120, comment: 'Email address of the account.' }) @IsEmail()" in text
    assert """@Entity({ name: "accounts", schema: "auth", comment: 'Accounts of the people who sign in.' })""" in text
    assert (
        '@Col({\n    name: "last_seen",\n' in text and "    comment: 'When the account last signed in.',\n  })" in text
    )
    assert """comment: "Plan of the account. Defaults to 'pro'.",""" in text  # fewer escapes, as Prettier writes it
    assert '@orm.PrimaryGeneratedColumn({ type: "bigint", comment: ' in text
    assert "@Col(() => Address)\n" in text and "@JoinColumn()\n" in text
    assert len(re.findall(r"\bcomment: [\"']", text)) == 16  # 12 + 2 columns and 2 tables; not the view's
    code, _, err = run("document", "--check", str(path))
    assert code == 0, err


def test_a_long_comment_breaks_the_call_as_prettier_does(tmp_path: Path) -> None:
    path = tmp_path / "order.entity.ts"
    path.write_text(
        'import { Column, Entity } from "typeorm";\n\n@Entity("orders")\nexport class Order {\n'
        '  @Column("decimal", { precision: 12, scale: 2 })\n  totalAmount: string;\n\n'
        "  @Column({\n    nullable: true\n  })\n  note?: string;\n}\n",
        encoding="utf-8",
    )
    code, _, err = run("document", "--backend", "heuristic", "--write", str(path))
    assert code == 0, err
    assert path.read_text(encoding="utf-8") == (
        'import { Column, Entity } from "typeorm";\n\n@Entity("orders", { comment: "Orders, one row per order." })\n'
        'export class Order {\n  @Column("decimal", {\n    precision: 12,\n    scale: 2,\n'
        '    comment: "Total amount of the order.",\n  })\n  totalAmount: string;\n\n'
        '  @Column({\n    nullable: true,\n    comment: "Note of the order.",\n  })\n  note?: string;\n}\n'
    )


def test_options_held_in_a_variable_are_left_with_a_note_and_overwrite_replaces_a_comment(tmp_path: Path) -> None:
    path = tmp_path / "item.entity.ts"
    path.write_text(
        'import { Column, Entity, PrimaryColumn } from "typeorm";\nconst money = { type: "numeric" } as const;\n\n'
        '@Entity({ comment: "Old words." })\nexport class Item {\n  @PrimaryColumn()\n  sku: string;\n\n'
        "  @Column(money)\n  price: string;\n}\n",
        encoding="utf-8",
    )
    code, _, err = run("document", "--backend", "heuristic", "--write", "--overwrite-existing", str(path))
    assert code == 0, err
    assert f"{path}:9: price: its options are no literal; no comment written" in err
    text = path.read_text(encoding="utf-8")
    assert '@Entity({ comment: "Items, one row per item." })' in text
    assert '@PrimaryColumn({ comment: "SKU of the item." })' in text
    assert "@Column(money)\n" in text


def test_files_that_are_no_entities_are_passed_by(tmp_path: Path) -> None:
    assert not holds_entities('import { Column } from "./orm";\n@Column()\nx: string;\n')
    assert not holds_entities('import { DataSource } from "typeorm";\nexport const source = new DataSource({});\n')
    text = 'import { Entity, Column } from "typeorm";\n@Entity()\nexport class A { @Column() b: string; }\n'
    assert holds_entities(text)
    for name in ("a.entity.spec.ts", "a.test.ts", "types.d.ts", "__tests__/a.ts", "tests/a.entity.ts"):
        (tmp_path / name).parent.mkdir(exist_ok=True)
        assert found_models(tmp_path / name, text, tmp_path) is None, name
    found = found_models(tmp_path / "src" / "a.entity.ts", text, tmp_path)
    assert found is not None and [m.table for m in found.models] == ["a"]


def test_an_unreadable_file_is_said_and_left_alone(tmp_path: Path) -> None:
    path = tmp_path / "broken.entity.ts"
    text = (
        'import { Entity, Column } from "typeorm";\n@Entity()\nexport class A {\n  @Column({ length: 3 )\n'
        "  b: string;\n}\n"
    )
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ModelsError, match=r"broken.entity.ts: unbalanced '\)' at line 4"):
        read_entities(path, text)
    code, _, err = run("document", "--backend", "heuristic", "--write", str(path))
    assert code != 0 and "line 4" in err
    assert path.read_text(encoding="utf-8") == text


@pytest.mark.parametrize("value", ["plain", 'a "quoted" it\'s', "back\\slash\nnew line", "é ✓ \u2028"])
def test_typescript_strings_round_trip(value: str) -> None:
    for quote in ('"', "'"):
        assert _unquote(ts_string(value, quote)) == value


def test_nestjs_descriptions_stand_for_comments_and_generated_columns_are_typed() -> None:
    """An ``@ApiProperty({ description })`` of NestJS's OpenAPI module is what the authors wrote
    for the property (a JSDoc comment comes first); ``@Generated("uuid")`` makes a uuid column;
    an array of enum values gets no CHECK of single values."""
    entities = _read(
        'import { ApiProperty as Doc } from "@nestjs/swagger";\nimport { Description } from "./docs";\n'
        'import { Column, Entity, Generated, PrimaryColumn } from "typeorm";\n\n'
        "enum Role { Admin = 'admin', Ghost = 'ghost' }\n\n@Entity()\nexport class Member {\n"
        "  @PrimaryColumn()\n  @Generated('uuid')\n  id: string;\n\n"
        '  @Doc({ description: "Shown on the profile." })\n  @Column()\n  headline: string;\n\n'
        '  /** Written by the member. */\n  @Doc({ description: "Shown on the profile." })\n'
        "  @Column()\n  bio: string;\n\n"
        '  @Description({ description: "Not NestJS\'s." })\n  @Column()\n  motto: string;\n\n'
        "  @Column({ type: 'enum', enum: Role, array: true, default: [Role.Ghost] })\n  roles: Role[];\n}\n\n"
        "@Entity()\nexport class Other extends Base<{ id: number }> implements Shown<{ a: 1 }> {\n"
        "  @PrimaryColumn()\n  id: number;\n}\n"
    )
    (member, other) = entities.models
    assert [c.column for c in other.columns] == ["id"]  # after a type argument that holds braces
    columns = {c.column: c for c in member.columns}
    assert (columns["id"].data_type, columns["id"].default) == ("uuid", "uuid_generate_v4()")
    assert columns["headline"].lent == "Shown on the profile."
    assert columns["bio"].lent == "Written by the member."
    assert columns["motto"].lent is None
    assert columns["roles"].data_type == "varchar[]" and columns["roles"].check is None


def test_a_folder_walk_reads_each_file_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The models a folder's walk found are the ones documented: the file is not parsed again
    (a file named on its own is read then)."""
    import sqlscribe.cli as cli
    from sqlscribe import python_models

    read: list[Path] = []

    def reading(path: Path, text: str) -> python_models.Models | None:
        read.append(path)
        return python_models.read_models(path, text)

    monkeypatch.setattr(cli, "read_models", reading)
    path = tmp_path / "a.entity.ts"
    path.write_text('import { Entity, Column } from "typeorm";\n@Entity()\nexport class A { @Column() b: string; }\n')
    code, out, _ = run("document", "--check", str(tmp_path))
    assert code == 1 and "entity A (a)" in out and read == []
    code, out, _ = run("document", "--check", str(path))
    assert code == 1 and "entity A (a)" in out and read == [path]


MIKRO = """import { Entity, Enum, ManyToOne, OneToOne, PrimaryKey, Property, Unique, types } from "@mikro-orm/core";
import { Team } from "./team";

@Entity({ abstract: true })
export abstract class Base {
  @PrimaryKey({ type: "uuid", defaultRaw: "gen_random_uuid()" })
  id!: string;
}

@Entity({ schema: "crm" })
@Unique({ properties: "handle" })
export class UserAccount extends Base {
  @Property()
  handle!: string;

  @Property({ columnType: "varchar(40)", fieldName: "display" })
  displayName!: string;

  @Property({ type: types.json, nullable: true })
  settings?: unknown;

  @Property({ type: "bigint", default: 0 })
  visits = 0;

  @Property()
  joinedAt = new Date();

  @Enum({ items: ["admin", "member"], default: "member" })
  role!: string;

  @ManyToOne({ entity: () => Team, nullable: true })
  team?: Team;

  @OneToOne(() => Profile, (profile) => profile.account, { owner: true })
  profile!: Profile;
}

@Entity()
export class Profile extends Base {
  @OneToOne(() => UserAccount, (account) => account.profile)
  account!: UserAccount;

  @Property({ type: "text" })
  bio!: string;

  @ManyToOne("UserAccount")
  referrer!: UserAccount;
}
"""


def test_mikro_orm_entities_are_read_with_its_names_and_types_and_written_in_its_decorators(tmp_path: Path) -> None:
    entities = _read(MIKRO)
    assert entities.orm == "MikroORM"
    base, account, profile = entities.models
    assert base.lends_columns and (account.schema, account.table) == ("crm", "user_account")
    columns = {c.column: c for c in account.columns}
    assert {name: (c.data_type, c.not_null) for name, c in columns.items()} == {
        "handle": ("varchar(255)", True),
        "display": ("varchar(40)", True),
        "settings": ("jsonb", False),
        "visits": ("bigint", True),
        "joined_at": ("timestamptz", True),
        "role": ("text", True),
        "team_id": ("integer", False),  # its key is in another file
        "profile_id": ("uuid", True),  # the owner of the one-to-one: its column, the key's type
    }
    assert columns["handle"].unique and columns["profile_id"].unique
    assert columns["role"].check == "role IN ('admin', 'member')" and columns["role"].default == "'member'"
    assert columns["team_id"].references == ("team", "id") and columns["team_id"].writable  # MikroORM keeps its comment
    assert [c.column for c in profile.columns] == ["bio", "referrer_id"]  # not the inverse side
    assert base.columns[0].default == "gen_random_uuid()"

    path = tmp_path / "account.entity.ts"
    path.write_text(MIKRO, encoding="utf-8")
    code, _, err = run("document", "--backend", "heuristic", "--write", str(path))
    assert code == 0, err
    text = path.read_text(encoding="utf-8")
    assert "  @ManyToOne({\n    entity: () => Team,\n    nullable: true,\n    comment: " in text
    assert '  @ManyToOne("UserAccount", {\n    comment: ' in text  # after its entity, as its options
    assert "  @OneToOne(() => Profile, (profile) => profile.account, {\n    owner: true,\n    comment: " in text
    assert '@Entity({ schema: "crm", comment: ' in text and "@Entity({ abstract: true })" in text
    code, _, err = run("document", "--check", str(path))
    assert code == 0, err


def test_a_project_on_snake_naming_strategy_gets_its_names(tmp_path: Path) -> None:
    """With typeorm-naming-strategies among the project's dependencies, columns are named as its
    SnakeNamingStrategy names them (checked against it: created_at, customer_id); else as
    TypeORM's default does."""
    text = (
        'import { Column, CreateDateColumn, Entity, ManyToOne, PrimaryGeneratedColumn } from "typeorm";\n\n'
        "@Entity()\nexport class Customer {\n  @PrimaryGeneratedColumn()\n  id: number;\n\n"
        "  @Column({ name: 'Label' })\n  fullName: string;\n}\n\n"
        "@Entity()\nexport class PurchaseOrder {\n  @PrimaryGeneratedColumn()\n  id: number;\n\n"
        "  @CreateDateColumn()\n  createdAt: Date;\n\n  @ManyToOne(() => Customer)\n  customer: Customer;\n}\n"
    )
    path = tmp_path / "app" / "src" / "order.entity.ts"
    path.parent.mkdir(parents=True)
    default = read_entities(path, text)
    assert [c.column for m in default.models for c in m.columns] == ["id", "Label", "id", "createdAt", "customerId"]
    (tmp_path / "app" / "package.json").write_text(
        '{"dependencies": {"typeorm": "^1.1.4", "typeorm-naming-strategies": "^4.1.0"}}', encoding="utf-8"
    )
    snake = read_entities(path, text)
    assert [c.column for m in snake.models for c in m.columns] == ["id", "Label", "id", "created_at", "customer_id"]
    assert [m.table for m in snake.models] == ["customer", "purchase_order"]


SEQUELIZE = """import { AllowNull, BelongsTo, Column, Comment, DataType, Model, PrimaryKey, Table }
  from "sequelize-typescript";

@Table({ underscored: true, paranoid: true })
export class Category extends Model {
  @PrimaryKey
  @Column(DataType.UUID)
  declare id: string;

  @Comment("Shown in the menu.")
  @Column(DataType.STRING(40))
  declare menuLabel: string;

  @AllowNull
  @Column(DataType.ARRAY(DataType.TEXT))
  declare aliases: string[] | null;
}

@Table({ tableName: "people", timestamps: false })
export class Person extends Model {
  @AllowNull(false)
  @Column
  declare name: string;

  @BelongsTo(() => Category)
  declare favourite: Category;
}
"""


def test_sequelize_models_are_read_with_what_sequelize_adds() -> None:
    entities = _read(SEQUELIZE, "catalog.model.ts")
    assert entities.orm == "Sequelize"
    category, person = entities.models
    assert (category.table, person.table) == ("Categories", "people")  # Sequelize's plural, else as named
    assert [(c.column, c.data_type, c.not_null, c.writable) for c in category.columns] == [
        ("id", "uuid", True, True),
        ("menu_label", "varchar(40)", False, True),  # underscored; NULL unless allowNull: false
        ("aliases", "text[]", False, True),
        ("created_at", "timestamp with time zone", True, False),  # what Sequelize adds: not asked for
        ("updated_at", "timestamp with time zone", True, False),
        ("deleted_at", "timestamp with time zone", False, False),  # paranoid
    ]
    assert category.columns[1].comment == "Shown in the menu."  # @Comment's
    assert [(c.column, c.primary, c.references, c.writable) for c in person.columns] == [
        ("id", True, None, False),  # no key declared: Sequelize's id
        ("name", False, None, True),
        ("favouriteId", False, ("Categories", "id"), False),  # a @BelongsTo's own column
    ]
    assert person.columns[2].data_type == "uuid" and person.columns[1].not_null
