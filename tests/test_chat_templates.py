"""Chat templates for GGUFs that carry none: named in the registry, rendered alike by
llama.cpp at run time and by transformers in training, and really used by llama.cpp."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, cast

import pytest

from sqlscribe.chat_templates import GEMMA, TEMPLATES
from sqlscribe.ddl import parse_sql
from sqlscribe.models import ModelError, ResolvedModel, load_registry, resolve, spec_for
from sqlscribe.prompt import messages
from sqlscribe.suggest import request_for

DDL = "CREATE TABLE orders (order_id BIGINT PRIMARY KEY, cust_id INT NOT NULL, placed_at TIMESTAMP);"


def _render(chat: list[dict[str, str]], *, prompt: bool = True) -> str:
    """The text transformers renders in training."""
    from transformers.utils.chat_template_utils import render_jinja_template

    (text,), _ = render_jinja_template(
        [chat], chat_template=GEMMA.text, add_generation_prompt=prompt, bos_token=GEMMA.bos
    )
    return str(text)


def _registry(tmp_path: Path, lines: str) -> Path:
    path = tmp_path / "registry.toml"
    path.write_text(
        f'default = "m"\n[[model]]\nname = "m"\n{lines}\n[model.base]\nsource = "path"\npath = "/x.gguf"\n',
        encoding="utf-8",
    )
    return path


def test_a_registry_entry_names_a_known_template_and_it_is_part_of_the_model_identity(tmp_path: Path) -> None:
    spec = load_registry(_registry(tmp_path, 'chat_template = "gemma"')).default_spec
    assert spec.chat_template == "gemma"
    plain = load_registry(_registry(tmp_path, "")).default_spec
    # Cached answers written under other turn markers are never served for this entry.
    assert ResolvedModel(spec, Path("/x.gguf"), None).model_id != ResolvedModel(plain, Path("/x.gguf"), None).model_id
    with pytest.raises(ModelError, match=r"unknown chat_template 'chatml2'.*gemma"):
        load_registry(_registry(tmp_path, 'chat_template = "chatml2"'))
    with pytest.raises(ModelError, match="not both"):
        load_registry(_registry(tmp_path, 'chat_template = "gemma"\nchat_format = "chatml"'))


def test_the_llama_backend_refuses_an_unknown_template_before_loading_anything(tmp_path: Path) -> None:
    from sqlscribe.generate.llama import LlamaOptions, _load

    with pytest.raises(ModelError, match=r"unknown chat_template 'chatml2'; sqlscribe has gemma"):
        _load(str(tmp_path / "absent.gguf"), None, 1.0, LlamaOptions(), None, "chatml2")


def test_gemma_is_registered_with_its_own_template() -> None:
    assert spec_for("gemma3-270m").chat_template == "gemma"


@pytest.mark.parametrize("style", ["general", "tuned"])
def test_llama_cpp_and_transformers_render_the_same_prompt(style: str) -> None:
    """Training renders with transformers, the server with llama-cpp-python: the model must be
    shown at run time exactly the text it learned on, worked example and system line included."""
    from llama_cpp.llama_chat_format import Jinja2ChatFormatter
    from transformers.utils.chat_template_utils import render_jinja_template

    chat = messages(request_for(parse_sql(DDL), 0), style)
    served = Jinja2ChatFormatter(GEMMA.text, eos_token=GEMMA.eos, bos_token=GEMMA.bos)(messages=cast(Any, chat)).prompt
    assert served == _render(chat)
    assert served.startswith("<bos><start_of_turn>user\n" + chat[0]["content"])  # the system line opens the turn
    assert served.endswith("<end_of_turn>\n<start_of_turn>model\n")
    assert served.count("<start_of_turn>") == len(chat)  # system merged: one turn per message after it, + model
    answer = {"role": "assistant", "content": json.dumps({"table": "Orders."})}
    # The answer the model learns ends at the turn marker, where llama.cpp stops it.
    assert _render([*chat, answer], prompt=False) == served + answer["content"] + GEMMA.eos + "\n"
    with pytest.raises(Exception, match="alternate"):
        render_jinja_template([[chat[0], answer]], chat_template=GEMMA.text, bos_token=GEMMA.bos)


def test_every_template_ends_an_answer_at_its_eos() -> None:
    for template in TEMPLATES.values():
        assert template.eos in template.text and "bos_token" in template.text


def test_llama_cpp_prompts_gemma_with_the_template() -> None:
    """The real Gemma GGUF, which has no chat template of its own: the prompt llama.cpp evaluates
    is the template's, token for token (its fallback, Llama 2's [INST] format, is longer)."""
    from sqlscribe.generate.llama import LlamaBackend

    try:
        resolved = resolve(spec_for("gemma3-270m"))
    except ModelError as error:
        pytest.skip(f"optional model not installed: {error}")
    backend = LlamaBackend(resolved)
    llm = backend.llm
    assert "tokenizer.chat_template" not in llm.metadata
    chat = messages(request_for(parse_sql(DDL), 0), "tuned")
    expected = llm.tokenize(_render(chat).encode(), add_bos=False, special=True)
    assert expected[:2] == [llm.token_bos(), llm.tokenize(b"<start_of_turn>", add_bos=False, special=True)[0]]
    out = llm.create_chat_completion(messages=cast(Any, chat), max_tokens=1, temperature=0.0)
    assert out["usage"]["prompt_tokens"] == len(expected)
