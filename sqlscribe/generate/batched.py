"""Several answers decoded together in one llama.cpp context: the throughput of bulk documentation.

A decoding step reads every weight of the model once, whatever the number of tokens it computes;
on 2 CPU cores a step of four tokens costs about twice a step of one. `BatchedDecoder` keeps up to
`slots` tables' answers in flight as separate sequences of one context and advances them all in
each step: the prompt's shared part (instructions, worked example) is read once and every sequence
starts from a copy of it, each sequence samples greedily under its own grammar
(`GrammarFirstGreedy`), and a finished sequence's place goes to the next table at once.

Each answer is what greedy decoding of that table alone would write, up to the float rounding of
sums computed in other batches (which can turn a near tie). `sqlscribe document` comes here for
the tables of a file, and so does the editor's "Document this file"; the editor's other requests
decode one table at a time.
"""

from __future__ import annotations

import ctypes
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from sqlscribe.generate.base import Interrupted
from sqlscribe.generate.sampling import AnswerDraft, GrammarFirstGreedy


class _PromptOnly(Exception):
    """Raised by `_PromptReader.create_completion` to hand the rendered prompt back."""

    def __init__(self, tokens: list[int]) -> None:
        super().__init__("prompt rendered")
        self.tokens = tokens


class _PromptReader:
    """Stands in for `Llama` in its chat handler, which renders and tokenizes the messages exactly as
    `create_chat_completion` does and then asks for a completion: here it stops there."""

    def __init__(self, llm: Any) -> None:
        self._llm = llm

    def __getattr__(self, name: str) -> Any:
        return getattr(self._llm, name)

    def create_completion(self, prompt: Any, **_: Any) -> Any:
        tokens = prompt if isinstance(prompt, list) else self._llm.tokenize(prompt.encode("utf-8"), special=True)
        raise _PromptOnly([int(t) for t in tokens])


def prompt_tokens(llm: Any, messages: list[dict[str, str]]) -> list[int]:
    """The tokens `llm.create_chat_completion(messages=…)` would evaluate."""
    from llama_cpp import llama_chat_format

    handler: Any = (
        llm.chat_handler
        or llm._chat_handlers.get(llm.chat_format)
        or llama_chat_format.get_chat_completion_handler(llm.chat_format)
    )
    try:
        handler(llama=_PromptReader(llm), messages=messages)
    except _PromptOnly as rendered:
        return rendered.tokens
    raise RuntimeError("the chat handler did not ask for a completion")


@dataclass
class Job:
    prompt: list[int]
    grammar: Any  # LlamaGrammar
    max_tokens: int
    skeleton: list[str] | None = None  # `answer_skeleton` of its schema: its fixed text is drafted


@dataclass
class _Sequence:
    job: int
    seq: int
    sampler: GrammarFirstGreedy
    feed: list[int]  # tokens still to evaluate: the prompt's own part, then a token and its draft
    pos: int  # position of feed[0]
    budget: int  # tokens it may still write
    reserved: int  # context cells it may come to hold
    draft: AnswerDraft | None
    out: list[int] = field(default_factory=list)
    answering: bool = False  # the prompt is read: every token fed from now on needs its logits


class BatchedDecoder:
    """Greedy, grammar-bound decoding of many prompts, `slots` at a time, in a context of its own."""

    def __init__(self, llm: Any, slots: int, repeat_penalty: float) -> None:
        import llama_cpp
        from llama_cpp import _internals

        self._lib = llama_cpp
        self.llm = llm
        self.slots = max(1, slots)
        self.repeat_penalty = repeat_penalty
        params = llama_cpp.llama_context_default_params()
        for name, *_ in llama_cpp.llama_context_params._fields_:
            setattr(params, name, getattr(llm.context_params, name))
        params.n_seq_max = self.slots + 1  # sequence 0 holds the shared prefix
        params.kv_unified = True  # so that the prefix's cells are shared, not copied
        self.n_ctx = int(params.n_ctx)
        self.n_batch = int(params.n_batch)
        self._ctx = _internals.LlamaContext(model=llm._model, params=params, verbose=False)
        if getattr(llm, "_lora_adapter", None) is not None:
            adapters = (llama_cpp.llama_adapter_lora_p_ctypes * 1)(llm._lora_adapter)
            scales = (ctypes.c_float * 1)(llm.lora_scale)
            if llama_cpp.llama_set_adapters_lora(self._ctx.ctx, adapters, 1, scales):
                self.close()
                raise RuntimeError("llama.cpp could not apply the adapter to the batch context")
        self._batch = _internals.LlamaBatch(n_tokens=self.n_batch, embd=0, n_seq_max=self.slots + 1, verbose=False)
        self._vocab = llm._model.vocab
        self._memory = llama_cpp.llama_get_memory(self._ctx.ctx)
        self._prefix: list[int] = []  # the tokens sequence 0 holds (`_read_prefix`)

    def close(self) -> None:
        for name in ("_batch", "_ctx"):
            thing = getattr(self, name, None)
            if thing is not None:
                thing.close()
                setattr(self, name, None)

    def run(
        self, jobs: list[Job], interrupt: threading.Event | None = None
    ) -> Iterator[tuple[int, list[int] | Exception]]:
        """Yields (index of the job, the tokens it wrote or the error that stopped it) as each ends.
        Setting ``interrupt`` stops the work before the next step: every job not yet ended then
        ends with `Interrupted`."""
        lib = self._lib
        if not jobs:
            return
        shared = _common_prefix([job.prompt for job in jobs])
        self._read_prefix(jobs[0].prompt[:shared])
        queue = list(range(len(jobs)))
        active: dict[int, _Sequence] = {}
        free = list(range(self.slots, 0, -1))

        def release(state: _Sequence) -> None:
            del active[state.seq]
            state.sampler.close()
            lib.llama_memory_seq_rm(self._memory, state.seq, -1, -1)
            free.append(state.seq)

        try:
            while queue or active:
                if interrupt is not None and interrupt.is_set():
                    for state in list(active.values()):
                        release(state)
                        yield state.job, Interrupted("interrupted")
                    for index in queue:
                        yield index, Interrupted("interrupted")
                    return
                while queue and free:
                    job = jobs[queue[0]]
                    need = len(job.prompt) - shared + job.max_tokens
                    if active and shared + sum(s.reserved for s in active.values()) + need > self.n_ctx:
                        break
                    index = queue.pop(0)
                    try:
                        sampler = GrammarFirstGreedy(self.llm, job.grammar, self.repeat_penalty)
                    except ValueError as error:
                        yield index, error
                        continue
                    seq = free.pop()
                    lib.llama_memory_seq_cp(self._memory, 0, seq, 0, shared)
                    draft = AnswerDraft(self.llm, job.skeleton) if job.skeleton else None
                    feed = job.prompt[shared:]
                    active[seq] = _Sequence(index, seq, sampler, feed, shared, job.max_tokens, need, draft)
                try:
                    sampled = self._step(active)
                except RuntimeError as error:  # the context is full or llama.cpp failed: these tables fail
                    for state in list(active.values()):
                        release(state)
                        yield state.job, error
                    continue
                for seq, first, fed in sampled:
                    state = active[seq]
                    if self._advance(state, first, fed):
                        release(state)
                        yield state.job, state.out
        finally:
            for state in active.values():
                state.sampler.close()
            for seq in range(1, self.slots + 1):  # sequence 0, the prefix, stays for the next run
                lib.llama_memory_seq_rm(self._memory, seq, -1, -1)

    def _step(self, active: dict[int, _Sequence]) -> list[tuple[int, int, list[int]]]:
        """One llama_decode over every active sequence's next tokens (as many of a prompt's as the
        batch holds). Returns, for each sequence that can sample now, the batch index of its first
        token with logits and the tokens fed from there on: a token and its draft, or a prompt's
        last token."""
        batch = self._batch.batch
        n = 0
        sampled = []
        for state in active.values():
            room = self.n_batch - n
            if room <= 0 or (state.answering and room < len(state.feed)):
                continue  # a token and its draft go in whole, at the next step
            take = state.feed[:room]
            done = len(take) == len(state.feed)
            for k, token in enumerate(take):
                batch.token[n + k] = token
                batch.pos[n + k] = state.pos + k
                batch.n_seq_id[n + k] = 1
                batch.seq_id[n + k][0] = state.seq
                batch.logits[n + k] = state.answering or (done and k == len(take) - 1)
            if done:
                fed = take if state.answering else take[-1:]
                sampled.append((state.seq, n + len(take) - len(fed), fed))
            n += len(take)
            state.pos += len(take)
            state.feed = state.feed[len(take) :]
        batch.n_tokens = n
        if n == 0:
            return []
        status = self._lib.llama_decode(self._ctx.ctx, batch)
        if status != 0:
            raise RuntimeError(f"llama_decode returned {status} with {len(active)} tables in flight")
        return sampled

    def _advance(self, state: _Sequence, first: int, fed: list[int]) -> bool:
        """Sample what a step computed for one sequence: the token after each fed token, for as long
        as the model's choice is the drafted token that was fed next. The refused rest of a draft
        leaves the context; the model's token is fed next with a new draft. True when the answer is
        finished (end of generation, or its token budget spent)."""
        lib = self._lib
        start = state.pos - len(fed)  # position of fed[0]
        for i in range(len(fed)):
            token = state.sampler.sample(self._ctx, first + i)
            if lib.llama_vocab_is_eog(self._vocab, token):
                return True
            state.out.append(token)
            state.budget -= 1
            if state.budget <= 0:
                return True
            if i + 1 < len(fed):
                if fed[i + 1] == token:
                    continue  # the model chose the drafted token: its logits are computed already
                lib.llama_memory_seq_rm(self._memory, state.seq, start + i + 1, -1)
                state.pos = start + i + 1
            drafted = state.draft.propose(state.out) if state.draft is not None else []
            state.feed = [token, *drafted[: state.budget - 1]]
            state.answering = True
            return False
        raise AssertionError("unreachable: the last fed token always ends the loop")

    def _read_prefix(self, tokens: list[int]) -> None:
        """Evaluate the prompts' shared prefix into sequence 0 (llama-cpp-python's `set_batch`
        fills sequence 0). What sequence 0 holds already from the last run is kept as far as it
        agrees: the instructions and worked example are read once, not once a run (a language
        server's "Document this file" runs a few tables at a time)."""
        self._seed_prefix(tokens)
        kept = _common_prefix([self._prefix, tokens], leave=0)
        if kept < len(self._prefix) and not self._lib.llama_memory_seq_rm(self._memory, 0, kept, -1):
            kept = 0
            self._lib.llama_memory_clear(self._memory, True)
        self._prefix = tokens[:kept]
        for start in range(kept, len(tokens), self.n_batch):
            self._batch.set_batch(tokens[start : start + self.n_batch], n_past=start, logits_all=False)
            try:
                self._ctx.decode(self._batch)
            except RuntimeError as error:
                self._lib.llama_memory_clear(self._memory, True)
                self._prefix = []
                raise RuntimeError(f"{error} on the shared prompt") from None
        self._prefix = list(tokens)

    def _seed_prefix(self, tokens: list[int]) -> None:
        """Start sequence 0 from the model's own context when that holds more of ``tokens``: it
        keeps the last prompt it read (a language server reads the prompt's fixed part while it
        warms up), and copying a sequence's cache between contexts costs milliseconds where
        reading its tokens again costs seconds."""
        llm = self.llm
        held = [int(t) for t in llm._input_ids[: llm.n_tokens]]
        agree = _common_prefix([held, tokens], leave=0)
        if agree < MIN_SEED or agree <= _common_prefix([self._prefix, tokens], leave=0):
            return
        lib = self._lib
        size = lib.llama_state_seq_get_size(llm._ctx.ctx, 0)
        data = (ctypes.c_uint8 * size)()
        written = lib.llama_state_seq_get_data(llm._ctx.ctx, data, size, 0)
        lib.llama_memory_seq_rm(self._memory, 0, -1, -1)
        self._prefix = []
        if written and lib.llama_state_seq_set_data(self._ctx.ctx, data, written, 0):
            # Only what the model's context has read: a draft it refused may still sit beyond.
            lib.llama_memory_seq_rm(self._memory, 0, len(held), -1)
            self._prefix = held
        else:  # nothing copied: the prefix is read instead
            lib.llama_memory_seq_rm(self._memory, 0, -1, -1)


# Fewer tokens than this in common with the model's own context are read, not copied.
MIN_SEED = 32


def _common_prefix(prompts: list[list[int]], leave: int = 1) -> int:
    """The length of the prefix all prompts share, leaving every prompt at least ``leave`` tokens of its own."""
    first = prompts[0]
    n = min(len(p) for p in prompts) - leave
    for prompt in prompts[1:]:
        k = 0
        while k < n and prompt[k] == first[k]:
            k += 1
        n = k
    return max(n, 0)
