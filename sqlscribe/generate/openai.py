"""Any OpenAI-compatible chat endpoint: llama.cpp's llama-server, llama-cpp-python's
server, vLLM. For shared team servers and bulk throughput (requests run in parallel)."""

from __future__ import annotations

import json
import os
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor, as_completed
from typing import Any

from sqlscribe.generate.base import GenerationError, Interrupted
from sqlscribe.generate.cache import DocCache
from sqlscribe.generate.chat import ChatBackend, Completion


class OpenAIBackend(ChatBackend):
    def __init__(
        self,
        base_url: str,
        *,
        model: str = "default",
        prompt_style: str = "general",
        api_key: str | None = None,
        timeout: float = 120.0,
        jobs: int = 4,
        cache: DocCache | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        if not self.base_url.endswith("/v1"):
            self.base_url += "/v1"
        super().__init__(f"openai:{self.base_url}:{model}:{prompt_style}", cache=cache)
        self.model = model
        self.prompt_style = prompt_style
        self.api_key = api_key or os.environ.get("SQLSCRIBE_API_KEY") or os.environ.get("OPENAI_API_KEY")
        self.timeout = timeout
        self.jobs = max(1, jobs)

    def complete(
        self, messages: list[dict[str, str]], schema: dict[str, object], max_tokens: int
    ) -> tuple[str, int, int]:
        body = {
            "model": self.model,
            "messages": messages,
            "temperature": 0.0,
            "max_tokens": max_tokens,
            # llama-cpp-python's server and llama-server read the schema here; llama-server and
            # vLLM also honour the top-level field and the OpenAI json_schema form.
            "response_format": {"type": "json_object", "schema": schema},
            "json_schema": schema,
        }
        if self.interrupt is not None:
            return self._streamed(body, self.interrupt)
        with self._post(body) as resp:
            try:
                data = json.loads(resp.read().decode("utf-8"))
            except ValueError:
                raise GenerationError(f"{self.base_url} did not answer with JSON") from None
            except OSError as error:
                raise GenerationError(f"lost {self.base_url}: {error}") from None
        try:
            text = data["choices"][0]["message"]["content"] or ""
        except (KeyError, IndexError, TypeError):
            raise GenerationError(f"{self.base_url} answered without a chat completion") from None
        usage = data.get("usage") or {}
        return text, int(usage.get("prompt_tokens", 0)), int(usage.get("completion_tokens", 0))

    def _streamed(self, body: dict[str, object], interrupt: threading.Event) -> tuple[str, int, int]:
        """The same completion, streamed, so that setting ``interrupt`` stops it at the next token:
        the connection is closed, which a server takes as the end of the request."""
        body = {**body, "stream": True, "stream_options": {"include_usage": True}}
        parts: list[str] = []
        usage: dict[str, int] = {}
        with self._post(body) as resp:
            try:
                for raw in resp:
                    if interrupt.is_set():
                        raise Interrupted("interrupted")
                    line = raw.decode("utf-8", "replace").strip()
                    if not line.startswith("data:"):
                        continue
                    payload = line[len("data:") :].strip()
                    if payload == "[DONE]":
                        break
                    chunk = json.loads(payload)
                    usage = chunk.get("usage") or usage
                    for choice in chunk.get("choices") or []:
                        parts.append((choice.get("delta") or {}).get("content") or "")
            except ValueError:
                raise GenerationError(f"{self.base_url} streamed something that is not JSON") from None
            except (AttributeError, TypeError):
                raise GenerationError(f"{self.base_url} streamed no chat completion chunks") from None
            except OSError as error:
                raise GenerationError(f"lost {self.base_url}: {error}") from None
        return "".join(parts), int(usage.get("prompt_tokens", 0)), int(usage.get("completion_tokens", 0))

    def _post(self, body: dict[str, object]) -> Any:
        """The server's response to a chat completion request (a context manager)."""
        headers = {"Content-Type": "application/json"}
        if self.api_key:
            headers["Authorization"] = f"Bearer {self.api_key}"
        req = urllib.request.Request(
            f"{self.base_url}/chat/completions", json.dumps(body).encode("utf-8"), headers, method="POST"
        )
        try:
            return urllib.request.urlopen(req, timeout=self.timeout)
        except urllib.error.HTTPError as error:
            detail = error.read().decode("utf-8", "replace")[:200]
            raise GenerationError(f"{self.base_url} answered HTTP {error.code}: {detail}") from None
        except (urllib.error.URLError, TimeoutError, OSError) as error:
            reason = getattr(error, "reason", error)
            raise GenerationError(f"cannot reach {self.base_url}: {reason}") from None

    def complete_many(self, jobs: list[Completion]) -> Iterator[tuple[int, tuple[str, int, int] | Exception]]:
        """`jobs` parallel requests at a time: a server with parallel slots decodes them together."""
        with ThreadPoolExecutor(self.jobs) as pool:
            futures = {pool.submit(self.complete, j.messages, j.schema, j.max_tokens): i for i, j in enumerate(jobs)}
            for future in as_completed(futures):
                try:
                    yield futures[future], future.result()
                except Exception as error:  # `_finish` names the table
                    yield futures[future], error
