"""Doctrine ORM's entities, read from PHP attributes as the PostgreSQL tables Doctrine's DBAL
makes of them, and documented in the attributes' own ``options: ['comment' => …]``. Doctrine's
SchemaTool itself carries such a file's comments into PostgreSQL in tests/test_databases.py."""

from __future__ import annotations

from pathlib import Path

import pytest
from in_process import run

from sqlscribe.ddl import parse_sql
from sqlscribe.doctrine_entities import _unquote, php_string, read_entities
from sqlscribe.python_models import found_models
from sqlscribe.python_source import ModelsError

ENTITIES = r"""<?php

declare(strict_types=1);

namespace App\Entity;

use Doctrine\DBAL\Types\Types;
use Doctrine\ORM\Mapping\Column;
use Doctrine\ORM\Mapping\Entity;
use Doctrine\ORM\Mapping\Id;
use Doctrine\ORM\Mapping\GeneratedValue;
use Doctrine\ORM\Mapping\ManyToOne;
use Doctrine\ORM\Mapping\OneToOne;
use Doctrine\ORM\Mapping\JoinColumn;
use Doctrine\ORM\Mapping\UniqueConstraint;

enum Level: int
{
    case Low = 1;
    case High = 2;
}

/**
 * Accounts of the people who sign in.
 *
 * @author someone
 */
#[Entity]
#[UniqueConstraint(name: 'handle_unique', columns: ['handle'])]
class Account
{
    public const PREFIX = '#[Column]';  // a string, not an attribute

    #[Id, GeneratedValue(strategy: 'IDENTITY'), Column(type: Types::BIGINT)]
    private ?string $id = null;

    # a comment in PHP's other style
    #[Column(type: 'guid', unique: true)]
    private string $publicId;

    #[Column(length: 64)]
    private string $handle = '';

    #[Column(nullable: true)]
    private ?bool $verified = null;

    #[Column]
    private float $balance = 0.0;

    #[Column(type: Types::DATETIMETZ_MUTABLE, options: ['default' => 'CURRENT_TIMESTAMP'])]
    private \DateTime $joinedAt;

    #[Column(name: 'lvl', enumType: Level::class, options: ['default' => 1])]
    private Level $level = Level::Low;

    /** @var array<string, mixed> */
    #[Column(type: Types::JSON)]
    private array $settings = [];

    #[OneToOne(mappedBy: 'account')]
    private ?Profile $profile = null;

    #[ManyToOne(targetEntity: 'App\Entity\Team')]
    #[JoinColumn(name: 'team', referencedColumnName: 'code', nullable: false)]
    private $team;

    public function __construct()
    {
        $this->joinedAt = new \DateTime();
    }

    public function getHandle(): string
    {
        return "{$this->handle}";
    }

    public function query(): string
    {
        return <<<SQL
            SELECT 'it's #[Column] {$this->handle}
            SQL;
    }
}

#[\Doctrine\ORM\Mapping\Entity]
class Profile
{
    #[Id]
    #[OneToOne(inversedBy: 'profile')]
    private ?Account $account = null;

    #[Column(type: 'text')]
    private string $bio = '';
}
"""


def test_the_tables_are_read_as_doctrine_makes_them_in_postgresql() -> None:
    entities = read_entities(Path("src/Entity/Account.php"), ENTITIES)
    account, profile = entities.models
    assert (account.table, profile.table, entities.table_name) == (
        "account",
        "profile",
        "\\Doctrine\\ORM\\Mapping\\Table",
    )
    assert account.docstring == "Accounts of the people who sign in."  # its tags left out
    columns = {c.column: c for c in account.columns}
    assert {name: c.data_type for name, c in columns.items()} == {
        "id": "bigint",
        "public_id": "uuid",
        "handle": "varchar(64)",
        "verified": "boolean",
        "balance": "double precision",
        "joined_at": "timestamp(0) with time zone",
        "lvl": "integer",
        "settings": "json",
        "team": "integer",
    }  # the constant, the methods and the inverse side of the one-to-one are none
    assert columns["id"].primary and columns["public_id"].unique and columns["handle"].unique
    assert not columns["verified"].not_null and columns["balance"].not_null
    assert columns["joined_at"].default == "'CURRENT_TIMESTAMP'"
    assert columns["lvl"].check == "lvl IN (1, 2)" and columns["lvl"].default == "1"
    assert columns["team"].references == ("team", "code") and columns["team"].not_null
    assert columns["team"].mapping is None  # a join column: no comment can be kept on it
    assert [(c.column, c.references, c.unique) for c in profile.columns] == [
        ("bio", None, False),
        ("account_id", ("account", "id"), True),  # the owning side of a one-to-one
    ]
    assert columns["settings"].lent is None  # a PHPDoc of tags alone says nothing
    parsed = parse_sql(entities.ddl(), "postgres")
    assert [t.short_name for t in parsed.tables] == ["account", "profile"] and not parsed.diagnostics


def test_a_file_is_documented_in_its_attributes(tmp_path: Path) -> None:
    """Options added to an attribute without parentheses, to one written over several lines (on
    a line of its own), and a new ``#[Table]`` line named in full where the file imports none;
    the authors' PHPDoc lent; documenting again finds nothing to do."""
    path = tmp_path / "src" / "Entity" / "Account.php"
    path.parent.mkdir(parents=True)
    text = ENTITIES.replace(
        "    #[Column(length: 64)]\n",
        "    #[Column(\n        length: 64,\n        options: ['fixed' => false],\n    )]\n",
    )
    path.write_text(text, encoding="utf-8")
    code, out, _ = run("document", "--check", str(tmp_path))
    assert code == 1 and "entity Account (account): no table comment; 8 of 9 columns without a comment:" in out
    assert "team," not in out and "account_id" not in out  # join columns are not asked for
    code, _, err = run("document", "--backend", "heuristic", "--write", str(tmp_path))
    assert code == 0, err
    new = path.read_text(encoding="utf-8")
    assert (
        "#[Entity]\n#[\\Doctrine\\ORM\\Mapping\\Table(options: ['comment' => 'Accounts of the people who sign in.'])]\n"
        in new
    )
    assert "        options: ['fixed' => false, 'comment' => 'Handle of the account.'],\n    )]" in new
    assert "    #[Column(options: ['comment' => 'Balance of the account.'])]\n    private float $balance" in new
    assert "#[Id, GeneratedValue(strategy: 'IDENTITY'), Column(type: Types::BIGINT, options: ['comment' => " in new
    assert "public const PREFIX = '#[Column]';" in new
    code, _, err = run("document", "--check", str(path))
    assert code == 0, err


def test_overwrite_replaces_a_comment_in_its_place(tmp_path: Path) -> None:
    path = tmp_path / "Tag.php"
    path.write_text(
        "<?php\nuse Doctrine\\ORM\\Mapping as ORM;\n\n#[ORM\\Entity]\n#[ORM\\Table(options: ['comment' => 'Old.'])]\n"
        "class Tag\n{\n    #[ORM\\Id, ORM\\Column(length: 40, options: ['comment' => 'Old too.'])]\n"
        "    private string $label;\n}\n",
        encoding="utf-8",
    )
    code, _, err = run("document", "--backend", "heuristic", "--write", "--overwrite-existing", str(path))
    assert code == 0, err
    new = path.read_text(encoding="utf-8")
    assert "#[ORM\\Table(options: ['comment' => 'Tags, one row per tag.'])]" in new
    assert "options: ['comment' => 'Label of the tag.'])]" in new and "Old" not in new


def test_files_that_are_no_entities_are_passed_by(tmp_path: Path) -> None:
    text = (
        "<?php\nuse Doctrine\\ORM\\Mapping as ORM;\n"
        "#[ORM\\Entity]\nclass A { #[ORM\\Id, ORM\\Column] private int $id; }\n"
    )
    for name in ("tests/Entity/A.php", "src/ATest.php"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        assert found_models(tmp_path / name, text, tmp_path) is None, name
    found = found_models(tmp_path / "src" / "Entity" / "A.php", text, tmp_path)
    assert found is not None and [m.table for m in found.models] == ["a"]
    assert found_models(tmp_path / "src" / "Kernel.php", "<?php\nclass Kernel {}\n", tmp_path) is None
    vendor = tmp_path / "vendor" / "lib" / "Entity.php"  # others' code: a folder's walk passes it by
    vendor.parent.mkdir(parents=True)
    vendor.write_text(text, encoding="utf-8")
    (tmp_path / "src" / "Entity").mkdir(parents=True)
    (tmp_path / "src" / "Entity" / "A.php").write_text(text, encoding="utf-8")
    code, out, _ = run("document", "--check", str(tmp_path))
    assert code == 1 and "src/Entity/A.php" in out and "vendor" not in out


def test_an_unreadable_file_is_said_and_left_alone(tmp_path: Path) -> None:
    path = tmp_path / "Broken.php"
    text = "<?php\nuse Doctrine\\ORM\\Mapping as ORM;\n#[ORM\\Entity]\nclass A {\n    #[ORM\\Column(length: 3]\n}\n"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ModelsError, match=r"Broken.php: unbalanced '\]' at line 5"):
        read_entities(path, text)
    code, _, err = run("document", "--backend", "heuristic", "--write", str(path))
    assert code != 0 and "line 5" in err
    assert path.read_text(encoding="utf-8") == text


@pytest.mark.parametrize("value", ["plain", "it's", "back\\slash", "two\nlines", "$not_a_variable"])
def test_php_strings_round_trip(value: str) -> None:
    assert _unquote(php_string(value)) == value


def test_docblock_annotations_are_read_and_written_in_their_own_syntax(tmp_path: Path) -> None:
    """ORM 2's annotations: values in their syntax (``length=180``, ``{"a": 1}``), a docblock's
    text before its tags is the PHPDoc (not the lines of a tag written over several), the
    comment goes where each annotation is (a line's end, a one-line docblock), in double quotes
    doubled within; prose's ``@see`` or an e-mail address is no annotation."""
    text = (
        "<?php\nuse Doctrine\\ORM\\Mapping as ORM;\n\n/**\n * Mail sent to a@b.example, see @see below.\n *\n"
        ' * @ORM\\Entity\n * @ORM\\Table(name="mail")\n */\nclass Mail\n{\n'
        '    /** @ORM\\Id @ORM\\Column(type="bigint") */\n    private $id;\n\n'
        '    /**\n     * @ORM\\Column(\n     *     type="string",\n     *     length=120\n     * )\n     */\n'
        "    private $subject;\n}\n"
    )
    path = tmp_path / "Mail.php"
    path.write_text(text, encoding="utf-8")
    (mail,) = read_entities(path, text).models
    assert mail.docstring == "Mail sent to a@b.example, see @see below."
    assert [(c.column, c.data_type, c.lent) for c in mail.columns] == [
        ("id", "bigint", None),
        ("subject", "varchar(120)", None),
    ]
    code, _, err = run("document", "--backend", "heuristic", "--write", str(path))
    assert code == 0, err
    new = path.read_text(encoding="utf-8")
    assert ' * @ORM\\Table(name="mail", options={"comment"="Mail sent to a@b.example, see @see below."})\n' in new
    assert '/** @ORM\\Id @ORM\\Column(type="bigint", options={"comment"="Unique identifier of the mail."}) */' in new
    assert '     *     length=120, options={"comment"="Subject of the mail."}\n     * )' in new
    code, _, err = run("document", "--check", str(path))
    assert code == 0, err
