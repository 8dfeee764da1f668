"""Training examples as token ids, with the loss on the answer tokens only."""

from __future__ import annotations

import json
import random
from dataclasses import dataclass
from pathlib import Path
from typing import Any

IGNORE = -100  # label value the loss skips


@dataclass(frozen=True)
class Tokenized:
    id: str
    input_ids: list[int]
    labels: list[int]

    @property
    def answer_tokens(self) -> int:
        return sum(1 for label in self.labels if label != IGNORE)


def read_split(folder: Path, split: str) -> list[dict[str, Any]]:
    path = folder / f"{split}.jsonl"
    if not path.is_file():
        raise FileNotFoundError(f"{path} does not exist; make it with `sqlscribe data synth --out {folder}`")
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    for row in rows:
        chat = row.get("messages")
        if not chat or chat[-1].get("role") != "assistant":
            raise ValueError(f"{path}: example {row.get('id')} has no assistant answer in its messages")
    return rows


def restyle(rows: list[dict[str, Any]], style: str) -> list[dict[str, Any]]:
    """The rows with their prompts rendered afresh in ``style`` from each example's DDL; the
    answers are kept. The prompt is built as the product builds it for the same table, so a
    model trained on the result reads exactly what it will be shown."""
    from sqlscribe.ddl import parse_sql
    from sqlscribe.prompt import messages
    from sqlscribe.suggest import request_for

    out = []
    for row in rows:
        parsed = parse_sql(row["ddl"], row["dialect"])
        if not parsed.tables:
            raise ValueError(f"example {row.get('id')}: its DDL holds no table to document")
        prompt = messages(request_for(parsed, 0), style)
        out.append({**row, "messages": [*prompt, row["messages"][-1]]})
    return out


def encode(tokenizer: Any, messages: list[dict[str, str]]) -> tuple[list[int], list[int]]:
    """Prompt and answer ids, split where the model's own chat template starts the answer.

    The answer keeps the template's end-of-turn marker, so the model learns to stop."""
    prompt_text = tokenizer.apply_chat_template(messages[:-1], add_generation_prompt=True, tokenize=False)
    full_text = tokenizer.apply_chat_template(messages, tokenize=False)
    if not full_text.startswith(prompt_text):
        raise ValueError("the chat template renders the prompt differently inside the full conversation")
    answer_text = full_text[len(prompt_text) :]
    prompt = tokenizer(prompt_text, add_special_tokens=False)["input_ids"]
    answer = tokenizer(answer_text, add_special_tokens=False)["input_ids"]
    return list(prompt), list(answer)


def tokenize(rows: list[dict[str, Any]], tokenizer: Any, max_length: int) -> tuple[list[Tokenized], int]:
    """Token ids for each row; rows longer than ``max_length`` are skipped (returned as a count)."""
    out: list[Tokenized] = []
    skipped = 0
    for row in rows:
        prompt, answer = encode(tokenizer, row["messages"])
        if len(prompt) + len(answer) > max_length:
            skipped += 1
            continue
        out.append(Tokenized(str(row["id"]), prompt + answer, [IGNORE] * len(prompt) + answer))
    return out, skipped


def order(count: int, seed: int, epochs: float) -> list[int]:
    """The order examples are seen in: a fresh shuffle per epoch, deterministic for the seed."""
    rng = random.Random(seed)
    indices: list[int] = []
    whole = int(epochs)
    for _ in range(whole):
        epoch = list(range(count))
        rng.shuffle(epoch)
        indices += epoch
    rest = round((epochs - whole) * count)
    if rest:
        epoch = list(range(count))
        rng.shuffle(epoch)
        indices += epoch[:rest]
    return indices


def collate(batch: list[Tokenized], pad_id: int) -> dict[str, Any]:
    import torch

    width = max(len(t.input_ids) for t in batch)
    ids = [t.input_ids + [pad_id] * (width - len(t.input_ids)) for t in batch]
    labels = [t.labels + [IGNORE] * (width - len(t.labels)) for t in batch]
    mask = [[1] * len(t.input_ids) + [0] * (width - len(t.input_ids)) for t in batch]
    return {
        "input_ids": torch.tensor(ids, dtype=torch.long),
        "labels": torch.tensor(labels, dtype=torch.long),
        "attention_mask": torch.tensor(mask, dtype=torch.long),
    }
