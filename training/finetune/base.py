"""Load a base model for fine-tuning: a registry model's GGUF (de-quantised by transformers),
any .gguf file, or a Hugging Face checkpoint directory."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class BaseModel:
    model: Any
    tokenizer: Any
    name: str  # registry name, or the path it came from
    gguf_path: Path | None  # the GGUF the adapter will be applied to at run time
    sha256: str | None


def load_base(base: str, *, dtype: Any = None, file: str | None = None, chat_template: str | None = None) -> BaseModel:
    """Load ``base`` (a registered model, a ``.gguf`` file or a checkpoint folder) for training.

    ``file`` is a local copy of a registered base's GGUF (on a machine where its package is not
    installed); its sha256 must be the registry's, and the run still records the registered name.
    ``chat_template`` names one of :data:`sqlscribe.chat_templates.TEMPLATES` for a GGUF that
    has none (a registered base brings its entry's own).
    """
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer

    from sqlscribe.models import file_sha256, load_registry, resolve

    dtype = dtype or torch.float32
    path = Path(base)
    gguf: Path | None = None
    sha256: str | None = None
    if path.is_dir():
        tokenizer = AutoTokenizer.from_pretrained(str(path))
        model = AutoModelForCausalLM.from_pretrained(str(path), dtype=dtype)
        _set_chat_template(tokenizer, chat_template, str(path))
        return BaseModel(model, tokenizer, str(path), None, None)
    if path.suffix == ".gguf" and path.is_file():
        gguf = path
        sha256 = file_sha256(path)
    else:
        spec = load_registry().get(base)
        if spec is None:
            raise ValueError(f"base {base!r} is neither a registered model, a .gguf file nor a checkpoint folder")
        sha256 = spec.base.sha256
        chat_template = chat_template or spec.chat_template
        if file:
            gguf = Path(file)
            if file_sha256(gguf) != sha256:
                raise ValueError(f"{file} is not the base GGUF of {base!r} (sha256 differs from the registry's)")
        else:
            gguf = resolve(spec).base_path
    tokenizer = AutoTokenizer.from_pretrained(str(gguf.parent), gguf_file=gguf.name)
    model = AutoModelForCausalLM.from_pretrained(str(gguf.parent), gguf_file=gguf.name, dtype=dtype)
    if tokenizer.pad_token_id is None:
        tokenizer.pad_token = tokenizer.eos_token
    _set_chat_template(tokenizer, chat_template, base)
    return BaseModel(model, tokenizer, base, gguf, sha256)


def _set_chat_template(tokenizer: Any, name: str | None, base: str) -> None:
    """Give the tokenizer the named template; refuse a base that would have none."""
    from sqlscribe.chat_templates import TEMPLATES, template

    if name:
        tokenizer.chat_template = template(name).text
    elif not getattr(tokenizer, "chat_template", None):
        raise ValueError(
            f"{base} has no chat template; name one of sqlscribe's ({', '.join(TEMPLATES)}) with "
            "chat_template in its registry entry"
        )
