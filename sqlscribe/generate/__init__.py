"""Documentation backends behind one interface, and the factory that builds them."""

from __future__ import annotations

from dataclasses import dataclass

from sqlscribe.generate.base import Backend, Context, DocRequest, Generated, GenerationError, Interrupted
from sqlscribe.generate.cache import DocCache
from sqlscribe.generate.heuristic import HeuristicBackend

BACKENDS = ("llama", "openai", "heuristic")


@dataclass(frozen=True)
class BackendConfig:
    backend: str = "llama"
    model: str | None = None  # registry name, .gguf path or hf:<repo>/<file>; None = default
    base_url: str | None = None  # openai backend
    prompt_style: str | None = None  # override the model's prompt style
    n_threads: int | None = None
    n_ctx: int = 8192
    n_gpu_layers: int = 0
    jobs: int = 4  # tables in flight at once: llama decodes them in one batch, openai sends parallel requests
    use_cache: bool = True


def make_backend(config: BackendConfig) -> Backend:
    """Build a backend; raises ModelError (one line, says how to fix it) when the model is unusable."""
    cache = DocCache() if config.use_cache else None
    if config.backend == "heuristic":
        return HeuristicBackend()
    if config.backend == "openai":
        from sqlscribe.generate.openai import OpenAIBackend

        if not config.base_url:
            raise ValueError("the openai backend needs --base-url (e.g. http://127.0.0.1:8080/v1)")
        return OpenAIBackend(
            config.base_url,
            model=config.model or "default",
            prompt_style=config.prompt_style or "general",
            jobs=config.jobs,
            cache=cache,
        )
    if config.backend == "llama":
        from sqlscribe.generate.llama import LlamaBackend, LlamaOptions
        from sqlscribe.models import resolve, spec_for

        model = resolve(spec_for(config.model))
        options = LlamaOptions(config.n_threads, config.n_ctx, config.n_gpu_layers)
        backend = LlamaBackend(model, options, cache=cache, parallel=config.jobs)
        if config.prompt_style:
            backend.prompt_style = config.prompt_style
        return backend
    raise ValueError(f"unknown backend {config.backend!r}; choose one of: {', '.join(BACKENDS)}")


__all__ = [
    "BACKENDS",
    "Backend",
    "BackendConfig",
    "Context",
    "DocCache",
    "DocRequest",
    "Generated",
    "GenerationError",
    "HeuristicBackend",
    "Interrupted",
    "make_backend",
]
