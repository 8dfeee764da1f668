"""Load time and decode speed of a fine-tuned model in its three shapes: the base GGUF alone,
the base with the GGUF LoRA adapter applied at run time, and merged-then-quantized files.

    .venv/bin/python bench/adapter_decode.py --model smollm2-135m-sqlscribe --merged DIR

Each file is loaded ``--repeat`` times; each time one tuned prompt is evaluated and 128 tokens are
decoded greedily (end-of-turn ignored, so every run decodes the same count). Medians are printed
as a Markdown table.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import time
from pathlib import Path
from typing import Any, cast

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlscribe.ddl import parse_sql  # noqa: E402
from sqlscribe.models import resolve, spec_for  # noqa: E402
from sqlscribe.prompt import messages  # noqa: E402
from sqlscribe.suggest import request_for  # noqa: E402

DDL = "CREATE TABLE orders (order_id BIGINT PRIMARY KEY, cust_id INT NOT NULL, order_dt DATE, total_amt NUMERIC(12,2));"


def measure(model: Path, adapter: Path | None, tokens: int, threads: int) -> tuple[float, float, float]:
    from llama_cpp import Llama

    from sqlscribe.generate.llama import guard_extra_buffers

    guard_extra_buffers()  # as the llama backend loads models
    started = time.perf_counter()
    llm = Llama(model_path=str(model), lora_path=str(adapter) if adapter else None, n_ctx=2048,
                n_threads=threads, verbose=False)  # fmt: skip
    load = time.perf_counter() - started
    request = request_for(parse_sql(DDL), 0)
    # The prompt is rendered with the GGUF's own chat template, as the llama backend does.
    from llama_cpp.llama_chat_format import Jinja2ChatFormatter

    special = {
        t: llm.detokenize([i]).decode(errors="ignore") for t, i in (("eos", llm.token_eos()), ("bos", llm.token_bos()))
    }
    formatter = Jinja2ChatFormatter(llm.metadata["tokenizer.chat_template"], special["eos"], special["bos"])
    text = formatter(messages=cast(Any, messages(request, "tuned"))).prompt
    prompt = llm.tokenize(text.encode(), add_bos=False, special=True)
    started = time.perf_counter()
    llm.eval(prompt)
    prefill = time.perf_counter() - started
    started = time.perf_counter()
    count = 0
    for _ in llm.generate(prompt, top_k=1, temp=0.0, reset=False):
        count += 1
        if count >= tokens:
            break
    decode = time.perf_counter() - started
    llm.close()
    return load, len(prompt) / prefill, count / decode


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", required=True, help="a registered fine-tuned model (base + adapter)")
    parser.add_argument("--merged", type=Path, help="folder with <model>-q8_0.gguf and <model>-q4_k_m.gguf")
    parser.add_argument("--tokens", type=int, default=128)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--threads", type=int, default=os.cpu_count() or 2)
    args = parser.parse_args()
    resolved = resolve(spec_for(args.model))
    shapes: list[tuple[str, Path, Path | None]] = [
        ("base alone", resolved.base_path, None),
        ("base + LoRA adapter", resolved.base_path, resolved.adapter_path),
    ]
    for kind in ("q8_0", "q4_k_m"):
        path = args.merged / f"{args.model}-{kind}.gguf" if args.merged else None
        if path and path.is_file():
            shapes.append((f"merged {kind.upper()}", path, None))
    print(f"{platform.machine()}, {args.threads} threads, {args.tokens} tokens, median of {args.repeat}\n")
    print("| model | file MB | load s | prompt tokens/s | decode tokens/s |")
    print("|---|---:|---:|---:|---:|")
    for label, model, adapter in shapes:
        runs = [measure(model, adapter, args.tokens, args.threads) for _ in range(args.repeat)]
        size = (model.stat().st_size + (adapter.stat().st_size if adapter else 0)) / 2**20
        load, prefill, decode = (statistics.median(r[i] for r in runs) for i in range(3))
        print(f"| {label} | {size:.1f} | {load:.2f} | {prefill:.0f} | {decode:.1f} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
