"""The words the heuristic may split a run-together column name into (``userid``, ``firstname``,
``qtysold``: what a case-folding database keeps of ``UserId``): every word of three letters or
more that the taxonomy's names and meanings use, less the little words of its prose.

``python -m training.synth.vocabulary`` writes ``sqlscribe/generate/vocabulary.txt``; a test
checks that the file is what the taxonomy gives now.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from training.synth.taxonomy import TAXONOMY_DIR, load_taxonomy

TARGET = Path(__file__).resolve().parents[2] / "sqlscribe" / "generate" / "vocabulary.txt"

# Prose words that would split a word where it has no seam: for+ward, the+rapist, and+roid.
_LITTLE_WORDS = (
    "the and for with from that this when was are per not any its into off out has had each one all can but own via "
    "who how why what which than then also been being were will would may might must shall such those these there "
    "their them they you your our ours his her"
)
_LITTLE = frozenset(_LITTLE_WORDS.split())


def _identifiers() -> list[list[str]]:
    """The words of every entity and column name the taxonomy has."""
    taxonomy = load_taxonomy()
    names = [e.words for e in taxonomy.entities] + [a.words for e in taxonomy.entities for a in e.attributes]
    names += [a.words for a in taxonomy.shared.values()]
    names += [list(c.words) for group in taxonomy.groups.values() for c in group]
    names += [list(c.words) for c in taxonomy.noise]
    return [[w for w in name if w.isalpha()] for name in names]


def vocabulary() -> dict[str, str]:
    """Each word with what it may be in a split: "h" the head of a name, "t" its last word, ""
    neither (a word of the prose: known, so never split itself)."""
    roles: dict[str, set[str]] = {}
    for path in sorted(TAXONOMY_DIR.glob("*.yaml")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if not line.lstrip().startswith("#"):
                for w in re.findall(r"[a-z]+", line.lower()):
                    if len(w) >= 3 and w not in _LITTLE:
                        roles.setdefault(w, set())
    for name in _identifiers():
        for i, w in enumerate(name):
            if len(w) >= 3 and w not in _LITTLE:
                roles.setdefault(w, set()).add("h")
            if i == len(name) - 1 and i > 0 and w not in _LITTLE:
                roles.setdefault(w, set()).add("t")
    return {w: "".join(sorted(r)) for w, r in sorted(roles.items())}


def text(words: dict[str, str] | None = None) -> str:
    """``vocabulary.txt`` as it should read (of ``words``, else of the taxonomy now)."""
    return (
        "# Written by `python -m training.synth.vocabulary` from the synthesis taxonomy: the words the\n"
        "# heuristic may split a run-together column name into, each with its roles there (h: a name's\n"
        "# first words, t: its last word; none: known, so never split itself). Do not edit by hand.\n"
        + "".join(f"{w}\t{r}\n" if r else f"{w}\n" for w, r in (words or vocabulary()).items())
    )


def main() -> int:
    words = vocabulary()
    TARGET.write_text(text(words), encoding="utf-8")
    print(f"{TARGET}: {len(words)} words", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
