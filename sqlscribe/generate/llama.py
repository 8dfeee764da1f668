"""The default backend: llama.cpp in-process through llama-cpp-python."""

from __future__ import annotations

import atexit
import contextlib
import gc
import json
import os
import re
import threading
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from sqlscribe.generate.base import Interrupted
from sqlscribe.generate.cache import DocCache
from sqlscribe.generate.chat import ChatBackend, Completion
from sqlscribe.generate.sampling import AnswerDraft, answer_skeleton
from sqlscribe.models import ModelError, ResolvedModel


@dataclass(frozen=True)
class LlamaOptions:
    n_threads: int | None = None  # None: all cores
    n_ctx: int = 8192
    n_gpu_layers: int = 0  # -1 offloads every layer to CUDA/Metal when llama.cpp was built with it
    # Greedy decoding asks the grammar about the best token before filtering the whole vocabulary
    # (sqlscribe/generate/sampling.py); False keeps llama-cpp-python's own sampler chain.
    grammar_first: bool = True
    # With grammar_first, the answer's fixed JSON text (the columns' names and the punctuation
    # between values) is proposed in one batch and checked by the model (`AnswerDraft`): the text
    # greedy decoding writes (up to the float rounding of batched sums), in fewer decoding steps.
    draft_answer: bool = True


REPEAT_PENALTY = 1.05

# llama.cpp's "extra buffer types" repack a model's weights for a CPU's own kernels: on an Intel CPU
# with AMX, for its tile instructions. Those AMX kernels crash evaluating any batch of more than one
# token (a prompt) on some hosts: `ldtilecfg` faults in ggml_backend_amx_mul_mat, seen on a
# Sapphire Rapids VM with llama-cpp-python 0.3.36 built there, while AMX itself works. So on a CPU
# with AMX every model loads without them (the plain AVX-512 kernels) unless this is set to 1.
EXTRA_BUFFERS_ENV = "SQLSCRIBE_LLAMA_EXTRA_BUFFERS"


def use_extra_buffers(cpuinfo: Path = Path("/proc/cpuinfo")) -> bool:
    """Whether llama.cpp may repack weights into its extra buffer types here: where the CPU has no
    AMX, or where ``SQLSCRIBE_LLAMA_EXTRA_BUFFERS`` says so (1 or 0)."""
    setting = os.environ.get(EXTRA_BUFFERS_ENV, "").strip().lower()
    if setting:
        return setting not in ("0", "no", "false", "off")
    try:
        flags = cpuinfo.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return True
    return re.search(r"^flags\s*:.*\bamx_tile\b", flags, re.MULTILINE) is None


def guard_extra_buffers() -> None:
    """Make every model that llama-cpp-python loads in this process from now on go without the
    extra buffer types where `use_extra_buffers` says so. `Llama` takes no such argument: its
    model parameters start from `llama_model_default_params`, which this wraps once."""
    import llama_cpp.llama_cpp as lib

    original = lib.llama_model_default_params
    if getattr(original, "sqlscribe_guard", False) or use_extra_buffers():
        return

    def default_params() -> Any:
        params = original()
        params.use_extra_bufts = False
        return params

    default_params.sqlscribe_guard = True  # type: ignore[attr-defined]
    default_params.sqlscribe_original = original  # type: ignore[attr-defined]
    lib.llama_model_default_params = default_params


# One model load per process: every backend object for the same weights shares it.
_lock = threading.Lock()


@lru_cache(maxsize=2)
def _load(
    model_path: str,
    adapter_path: str | None,
    adapter_scale: float,
    options: LlamaOptions,
    chat_format: str | None,
    chat_template: str | None = None,
) -> Any:
    try:
        from llama_cpp import Llama
    except ImportError as error:  # pragma: no cover - install problem
        raise ModelError(f"llama-cpp-python is not installed ({error}); run `pip install llama-cpp-python`") from None
    guard_extra_buffers()
    kwargs: dict[str, Any] = {
        "model_path": model_path,
        "n_ctx": options.n_ctx,
        "n_gpu_layers": options.n_gpu_layers,
        "n_threads": options.n_threads or os.cpu_count() or 1,
        "seed": 0,
        "verbose": False,
    }
    if adapter_path:
        kwargs["lora_path"] = adapter_path
        kwargs["lora_scale"] = adapter_scale
    if chat_format:
        kwargs["chat_format"] = chat_format
    if chat_template:
        from llama_cpp.llama_chat_format import Jinja2ChatFormatter

        from sqlscribe.chat_templates import template

        try:
            chosen = template(chat_template)
        except ValueError as error:
            raise ModelError(str(error)) from None
        kwargs["chat_handler"] = Jinja2ChatFormatter(
            chosen.text, eos_token=chosen.eos, bos_token=chosen.bos
        ).to_chat_handler()
    try:
        with _quiet_stderr():
            return (_grammar_first(Llama) if options.grammar_first else Llama)(**kwargs)
    except (ValueError, RuntimeError, OSError) as error:
        what = f"{model_path}" + (f" with adapter {adapter_path}" if adapter_path else "")
        raise ModelError(
            f"llama.cpp cannot load {what} ({error}); reinstall the model or use --backend heuristic"
        ) from None


def _grammar_first(llama_class: Any) -> Any:
    """`Llama` with greedy, grammar-bound sampling that asks the grammar about the best token first."""

    class Llama(llama_class):  # type: ignore[misc]
        answer_draft: Any = None  # the `AnswerDraft` of the generation under way, if any
        interrupt: threading.Event | None = None  # set: the next evaluation raises `Interrupted`

        def generate(self, tokens: Sequence[int], *args: Any, **kwargs: Any) -> Any:
            if self.answer_draft is not None:
                self.answer_draft.start = len(tokens)
            return super().generate(tokens, *args, **kwargs)

        def eval(self, tokens: Sequence[int]) -> None:
            """As llama-cpp-python's, but a drafted batch asks for every position's logits, which
            the speculative loop samples from one after the other. Every evaluation (a prompt,
            a token, a draft) first checks the interrupt, so a stop waits for one at most; what was
            evaluated before it stays in the context, for the next prompt to reuse."""
            if self.interrupt is not None and self.interrupt.is_set():
                raise Interrupted("interrupted")
            draft = self.answer_draft
            if draft is None or not draft.answering or not 1 < len(tokens) <= self.n_batch:
                return super().eval(tokens)  # type: ignore[no-any-return]
            draft.batches += 1
            self._ctx.kv_cache_seq_rm(-1, self.n_tokens, -1)
            self._batch.set_batch(batch=tokens, n_past=self.n_tokens, logits_all=True)
            self._ctx.decode(self._batch)
            self.input_ids[self.n_tokens : self.n_tokens + len(tokens)] = tokens
            self.n_tokens += len(tokens)
            self._requires_eval = False
            return None

        def _init_sampler(self, **kwargs: Any) -> Any:
            plain = (
                kwargs.get("temp") == 0.0
                and kwargs.get("grammar") is not None
                and kwargs.get("logits_processor") is None
                and not kwargs.get("mirostat_mode")
                and not kwargs.get("frequency_penalty")
                and not kwargs.get("presence_penalty")
            )
            if not plain:
                return super()._init_sampler(**kwargs)
            from sqlscribe.generate.sampling import GrammarFirstGreedy

            return GrammarFirstGreedy(self, kwargs["grammar"], kwargs.get("repeat_penalty", 1.0))

    return Llama


@atexit.register
def _close_models() -> None:
    """Free the models before interpreter shutdown, when llama.cpp's own finaliser would fail noisily."""
    _load.cache_clear()
    gc.collect()


@contextlib.contextmanager
def _quiet_stderr() -> Any:
    """llama.cpp prints its loading log straight to file descriptor 2; keep the terminal quiet."""
    if os.environ.get("SQLSCRIBE_DEBUG"):
        yield
        return
    try:
        saved = os.dup(2)
    except OSError:
        yield
        return
    with open(os.devnull, "w") as devnull:
        os.dup2(devnull.fileno(), 2)
        try:
            yield
        finally:
            os.dup2(saved, 2)
            os.close(saved)


@lru_cache(maxsize=256)
def _grammar(schema_json: str) -> Any:
    from llama_cpp.llama_grammar import LlamaGrammar

    with _quiet_stderr():
        return LlamaGrammar.from_json_schema(schema_json, verbose=False)


@contextlib.contextmanager
def _interruptible(llm: Any, interrupt: threading.Event | None) -> Iterator[None]:
    """While ``interrupt`` is given, setting it stops llama.cpp within moments: evaluations check
    it before they start (`Llama.eval` above), and llama.cpp between the operations of the one
    under way (its abort callback, installed for this generation only, since every check takes
    the GIL). A stopped evaluation leaves nothing behind: llama-cpp-python counts only finished
    ones and drops the rest from the context before the next."""
    if interrupt is None:
        yield
        return
    import llama_cpp

    stopped: list[bool] = []

    def abort(_data: object) -> bool:
        if interrupt.is_set():
            stopped.append(True)
            return True
        return False

    callback = llama_cpp.ggml_abort_callback(abort)
    llm.interrupt = interrupt
    llama_cpp.llama_set_abort_callback(llm._ctx.ctx, callback, None)
    try:
        yield
    except Interrupted:
        raise
    except RuntimeError as error:  # "llama_decode returned 2"
        if stopped:
            raise Interrupted("interrupted") from error
        raise
    finally:
        llama_cpp.llama_set_abort_callback(llm._ctx.ctx, llama_cpp.ggml_abort_callback(), None)
        llm.interrupt = None


class LlamaBackend(ChatBackend):
    def __init__(
        self,
        model: ResolvedModel,
        options: LlamaOptions = LlamaOptions(),
        *,
        cache: DocCache | None = None,
        parallel: int = 1,
    ) -> None:
        super().__init__(model.model_id, cache=cache)
        self.model = model
        self.options = options
        self.prompt_style = model.spec.prompt_style
        # Tables decoded together by `document_many` (`BatchedDecoder`); 1 decodes one at a time.
        self.parallel = max(1, parallel)
        self._decoder: Any = None

    @property
    def llm(self) -> Any:
        adapter = str(self.model.adapter_path) if self.model.adapter_path else None
        spec = self.model.spec
        return _load(
            str(self.model.base_path), adapter, spec.adapter_scale, self.options, spec.chat_format, spec.chat_template
        )

    def load(self) -> None:
        """Load the weights now (otherwise the first generation does)."""
        with _lock:
            self.llm  # noqa: B018 - loading is the side effect

    def warm_prompt(self) -> int:
        """Evaluate the prompt's fixed part now (instructions, worked example), so the first real
        request pays only for its own table: llama.cpp keeps the longest prefix that consecutive
        prompts share. Returns the number of tokens held."""
        from sqlscribe import prompt
        from sqlscribe.ddl import parse_sql
        from sqlscribe.generate.base import DocRequest

        (table,) = parse_sql("CREATE TABLE t (id int);", "postgres").tables
        messages = prompt.messages(DocRequest.for_table(table), self.prompt_style)
        with _lock:
            llm = self.llm
            llm.create_chat_completion(messages=messages, temperature=0.0, max_tokens=1)
            return int(llm.n_tokens)

    def complete(
        self, messages: list[dict[str, str]], schema: dict[str, object], max_tokens: int
    ) -> tuple[str, int, int]:
        grammar = _grammar(json.dumps(schema))
        with _lock:
            llm = self.llm
            parts = answer_skeleton(schema) if self.options.grammar_first and self.options.draft_answer else None
            llm.answer_draft = llm.draft_model = AnswerDraft(llm, parts) if parts else None
            try:
                with _interruptible(llm, self.interrupt):
                    out = llm.create_chat_completion(
                        messages=messages,
                        grammar=grammar,
                        temperature=0.0,
                        max_tokens=max_tokens,
                        repeat_penalty=REPEAT_PENALTY,
                    )
            finally:
                llm.answer_draft = llm.draft_model = None
        usage = out.get("usage") or {}
        text = out["choices"][0]["message"]["content"] or ""
        return text, int(usage.get("prompt_tokens", 0)), int(usage.get("completion_tokens", 0))

    def complete_many(self, jobs: list[Completion]) -> Iterator[tuple[int, tuple[str, int, int] | Exception]]:
        """With `parallel` > 1, up to that many answers decoded together in one batch
        (sqlscribe/generate/batched.py); otherwise one after the other."""
        if self.parallel <= 1 or len(jobs) <= 1 or not self.options.grammar_first:
            yield from super().complete_many(jobs)
            return
        from sqlscribe.generate.batched import BatchedDecoder, Job, prompt_tokens

        with _lock:
            try:
                llm = self.llm
                if self._decoder is None or self._decoder.llm is not llm:
                    self.close()
                    self._decoder = BatchedDecoder(llm, self.parallel, REPEAT_PENALTY)
            except Exception as error:  # every table fails with the model's own message
                for i in range(len(jobs)):
                    yield i, error
                return
            work: dict[int, Job] = {}
            for i, job in enumerate(jobs):
                try:
                    skeleton = answer_skeleton(job.schema) if self.options.draft_answer else None
                    grammar = _grammar(json.dumps(job.schema))
                    work[i] = Job(prompt_tokens(llm, job.messages), grammar, job.max_tokens, skeleton)
                except Exception as error:
                    yield i, error
            indices = list(work)
            pending = set(indices)
            try:
                for k, out in self._decoder.run([work[i] for i in indices], self.interrupt):
                    i = indices[k]
                    pending.discard(i)
                    if isinstance(out, Exception):
                        yield i, out
                    else:
                        text = llm.detokenize(out).decode("utf-8", errors="ignore")
                        yield i, (text, len(work[i].prompt), len(out))
            except Exception as error:  # llama.cpp failed beyond one table: the rest fail with it
                for i in sorted(pending):
                    yield i, error

    def close(self) -> None:
        if self._decoder is not None:
            self._decoder.close()
            self._decoder = None
