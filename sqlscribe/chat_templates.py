"""Chat templates for base models whose GGUF carries none.

A GGUF made from a pretrained (not instruction-tuned) checkpoint often has no
``tokenizer.chat_template``. llama-cpp-python then falls back to Llama 2's ``[INST]`` format,
and transformers refuses to render a chat at all, so such a model could neither be prompted in
its own turn markers nor fine-tuned. A registry entry names one of these templates
(``chat_template = "gemma"``); llama.cpp at run time, training and conversion's verification
all render prompts with the same text, so a model is served exactly what it learned on.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ChatTemplate:
    name: str
    text: str  # Jinja, rendered alike by transformers and llama-cpp-python
    bos: str  # the tokenizer's beginning-of-sequence token, which the text writes itself
    eos: str  # the end-of-turn marker an answer stops at


# Gemma's turn markers (<start_of_turn>user / model ... <end_of_turn>), as Google's instruction-
# tuned Gemma 3 writes them: Gemma has no system role, so the system message opens the first
# user turn. Messages must alternate user / assistant after it, as a worked example does.
GEMMA = ChatTemplate(
    name="gemma",
    text=(
        "{{ bos_token }}"
        "{% if messages[0]['role'] == 'system' %}"
        "{% set prefix = messages[0]['content'] | trim + '\n\n' %}{% set turns = messages[1:] %}"
        "{% else %}{% set prefix = '' %}{% set turns = messages %}{% endif %}"
        "{% for message in turns %}"
        "{% if (message['role'] == 'user') != (loop.index0 % 2 == 0) %}"
        "{{ raise_exception('Gemma turns must alternate user and assistant') }}{% endif %}"
        "{% if message['role'] == 'assistant' %}{% set role = 'model' %}{% else %}{% set role = 'user' %}{% endif %}"
        "{{ '<start_of_turn>' + role + '\n' + (prefix if loop.first else '') }}"
        "{{ message['content'] | trim }}{{ '<end_of_turn>\n' }}"
        "{% endfor %}"
        "{% if add_generation_prompt %}{{ '<start_of_turn>model\n' }}{% endif %}"
    ),
    bos="<bos>",
    eos="<end_of_turn>",
)

TEMPLATES: dict[str, ChatTemplate] = {template.name: template for template in (GEMMA,)}


def template(name: str) -> ChatTemplate:
    """The template called ``name``; ValueError names the ones there are."""
    found = TEMPLATES.get(name)
    if found is None:
        raise ValueError(f"unknown chat_template {name!r}; sqlscribe has {', '.join(TEMPLATES)}")
    return found
