"""Greedy decoding under a JSON grammar, checking the grammar against the best token first.

llama-cpp-python's sampler chain (penalties → grammar → greedy) runs the grammar over the whole
vocabulary for every token: 152k candidates for Qwen, about 23 ms a token on 2 cores, a third of
the time of a table. Under greedy decoding only the best token matters, so this sampler does what
llama.cpp's own `common_sampler` does: it applies the penalties, takes the best token, asks the
grammar about that one token, and only when the grammar refuses it filters the whole vocabulary
and takes the best allowed token. The token chosen is the same either way (the best of the
allowed tokens is the best token whenever that one is allowed); tests/test_real_model.py checks
the output against the stock chain's.
"""

from __future__ import annotations

import ctypes
from typing import Any

import numpy as np


class GrammarFirstGreedy:
    """Stands in for llama-cpp-python's `LlamaSampler` (`sample(ctx, idx)`) for greedy, grammar-bound
    generation with a repeat penalty."""

    def __init__(self, llama: Any, grammar: Any, repeat_penalty: float) -> None:
        import llama_cpp
        from llama_cpp import _internals

        self._lib = llama_cpp
        self.n_vocab = int(llama.n_vocab())
        self.penalties = llama_cpp.llama_sampler_init_penalties(
            self.n_vocab, llama.last_n_tokens_size, repeat_penalty, 0.0, 0.0
        )
        self.grammar = llama_cpp.llama_sampler_init_grammar(
            llama._model.vocab, grammar._grammar.encode("utf-8"), grammar._root.encode("utf-8")
        )
        if not self.grammar:
            llama_cpp.llama_sampler_free(self.penalties)
            raise ValueError("llama.cpp could not build the grammar")
        self.all = _internals.LlamaTokenDataArray(n_vocab=self.n_vocab)
        self.one_data = (llama_cpp.llama_token_data * 1)()
        self.one = llama_cpp.llama_token_data_array(data=self.one_data, size=1, selected=-1, sorted=False)
        self.tokens = 0  # tokens chosen
        self.refused = 0  # of which the best token was refused by the grammar

    def sample(self, ctx: Any, idx: int = -1) -> int:
        lib = self._lib
        logits = np.ctypeslib.as_array(lib.llama_get_logits_ith(ctx.ctx, idx), shape=(self.n_vocab,))
        self.all.copy_logits(logits)
        lib.llama_sampler_apply(self.penalties, ctypes.byref(self.all.candidates))
        scores = self.all.candidates_data.logit
        token = int(np.argmax(scores))
        self.one_data[0].id = token  # type: ignore[assignment]  # ctypes converts the int
        self.one_data[0].logit = float(scores[token])
        self.one_data[0].p = 0.0
        self.one.size, self.one.selected, self.one.sorted = 1, -1, False
        lib.llama_sampler_apply(self.grammar, ctypes.byref(self.one))
        if not np.isfinite(self.one_data[0].logit):
            self.refused += 1
            lib.llama_sampler_apply(self.grammar, ctypes.byref(self.all.candidates))
            token = int(np.argmax(scores))
        lib.llama_sampler_accept(self.penalties, token)
        lib.llama_sampler_accept(self.grammar, token)
        self.tokens += 1
        return token

    def close(self) -> None:
        for name in ("penalties", "grammar"):
            sampler = getattr(self, name, None)
            if sampler:
                self._lib.llama_sampler_free(sampler)
                setattr(self, name, None)

    def __del__(self) -> None:
        self.close()
