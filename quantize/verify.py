"""Check a conversion: the GGUF loads in llama.cpp, and on fixed probe prompts its greedy
output matches the PyTorch model's token for token (agreement is reported, and for quantized
files the drop against the unquantized conversion)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from quantize.errors import ConversionError

# Probe tables rendered through sqlscribe.prompt, so the probes are what the model serves.
PROBE_DDL = [
    ("postgres", "CREATE TABLE orders (\n  order_id BIGINT PRIMARY KEY,\n  cust_id INT NOT NULL,\n"
     "  order_dt DATE,\n  total_amt NUMERIC(12,2),\n  status_cd CHAR(1)\n);"),
    ("mysql", "CREATE TABLE sensor_readings (\n  id INT AUTO_INCREMENT PRIMARY KEY,\n  device_sn VARCHAR(32),\n"
     "  temp_c DECIMAL(5,2),\n  read_at DATETIME\n) ENGINE=InnoDB;"),
    ("snowflake", "CREATE TABLE EMP_LEAVE (\n  EMP_NBR NUMBER(10,0),\n  LEAVE_TYP VARCHAR(10),\n"
     "  START_DT DATE,\n  DAYS_CNT NUMBER(5,1),\n  APPR_FLG BOOLEAN\n);"),
]  # fmt: skip


@dataclass
class ProbeResult:
    reference: list[int]  # the PyTorch model's greedy answer
    predicted: list[int]  # llama.cpp's greedy choice at each position of that answer

    @property
    def agreement(self) -> float:
        """Share of positions where llama.cpp picks the PyTorch model's token (teacher-forced,
        so one near-tie does not derail the rest of the comparison)."""
        if not self.reference:
            return 1.0 if not self.predicted else 0.0
        same = sum(1 for a, b in zip(self.reference, self.predicted, strict=False) if a == b)
        return same / len(self.reference)


@dataclass
class Verification:
    path: Path
    probes: list[ProbeResult] = field(default_factory=list)
    differs_from_base: bool | None = None

    @property
    def agreement(self) -> float:
        return sum(p.agreement for p in self.probes) / max(1, len(self.probes))

    def as_dict(self) -> dict[str, Any]:
        return {
            "file": self.path.name,
            "token_agreement": round(self.agreement, 4),
            "per_probe": [round(p.agreement, 4) for p in self.probes],
            "differs_from_base": self.differs_from_base,
        }


def probe_prompts(tokenizer: Any, style: str = "tuned") -> list[list[int]]:
    from sqlscribe.ddl import parse_sql
    from sqlscribe.prompt import messages
    from sqlscribe.suggest import request_for

    prompts = []
    for dialect, ddl in PROBE_DDL:
        request = request_for(parse_sql(ddl, dialect), 0)
        text = tokenizer.apply_chat_template(messages(request, style), add_generation_prompt=True, tokenize=False)
        prompts.append(list(tokenizer(text, add_special_tokens=False)["input_ids"]))
    return prompts


def torch_greedy(model: Any, prompts: Sequence[list[int]], max_new_tokens: int, eos: set[int]) -> list[list[int]]:
    import torch

    outputs = []
    model.eval()
    with torch.no_grad():
        for prompt in prompts:
            ids = torch.tensor([prompt])
            generated = model.generate(
                input_ids=ids,
                attention_mask=torch.ones_like(ids),
                max_new_tokens=max_new_tokens,
                do_sample=False,
                pad_token_id=min(eos),
            )
            outputs.append(_until_eos([int(t) for t in generated[0][len(prompt) :]], eos))
    return outputs


def _load(model_path: Path, lora_path: Path | None, *, logits_all: bool) -> Any:
    from llama_cpp import Llama

    from sqlscribe.generate.llama import guard_extra_buffers

    guard_extra_buffers()
    try:
        return Llama(
            model_path=str(model_path),
            lora_path=str(lora_path) if lora_path else None,
            n_ctx=2048,
            n_threads=2,
            logits_all=logits_all,
            verbose=False,
        )
    except (ValueError, RuntimeError) as error:
        raise ConversionError(f"llama.cpp cannot load {lora_path or model_path}: {error}") from None


def llama_greedy(
    model_path: Path, prompts: Sequence[list[int]], max_new_tokens: int, eos: set[int], lora_path: Path | None = None
) -> list[list[int]]:
    llm = _load(model_path, lora_path, logits_all=False)
    outputs = []
    try:
        for prompt in prompts:
            tokens: list[int] = []
            for token in llm.generate(prompt, top_k=1, top_p=1.0, temp=0.0, repeat_penalty=1.0, reset=True):
                if token in eos or len(tokens) >= max_new_tokens:
                    break
                tokens.append(int(token))
            outputs.append(tokens)
    finally:
        llm.close()
    return outputs


def llama_forced(
    model_path: Path, prompts: Sequence[list[int]], answers: Sequence[list[int]], lora_path: Path | None = None
) -> list[list[int]]:
    """llama.cpp's argmax at each position of the given answers (teacher forcing)."""
    import numpy as np

    llm = _load(model_path, lora_path, logits_all=True)
    predicted = []
    try:
        for prompt, answer in zip(prompts, answers, strict=True):
            llm.reset()
            llm.eval(prompt + answer)
            scores = np.asarray(llm.scores[len(prompt) - 1 : len(prompt) - 1 + len(answer)])
            predicted.append([int(i) for i in scores.argmax(axis=1)] if len(answer) else [])
    finally:
        llm.close()
    return predicted


def _until_eos(tokens: list[int], eos: set[int]) -> list[int]:
    for i, token in enumerate(tokens):
        if token in eos:
            return tokens[:i]
    return tokens


def eos_ids(tokenizer: Any) -> set[int]:
    ids = {int(tokenizer.eos_token_id)} if tokenizer.eos_token_id is not None else set()
    for marker in ("<|im_end|>", "<end_of_turn>", "<|endoftext|>"):
        token = tokenizer.convert_tokens_to_ids(marker)
        if isinstance(token, int) and token != tokenizer.unk_token_id:
            ids.add(token)
    return ids


def compare(reference: list[list[int]], predicted: list[list[int]], path: Path) -> Verification:
    return Verification(path, [ProbeResult(r, p) for r, p in zip(reference, predicted, strict=True)])
