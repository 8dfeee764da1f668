"""The server's settings, read from the client (``workspace/configuration`` section ``sqlscribe``).

Every option the VS Code extension contributes has a field here, with the same
camelCase key. Unknown keys are ignored and a bad value falls back to its default
with a warning, so a typo in a settings file never stops the server.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields, replace
from typing import Any

from sqlscribe.ddl.dialects import UnknownDialectError, get_dialect
from sqlscribe.generate import BACKENDS, BackendConfig


@dataclass(frozen=True)
class Settings:
    # "auto", or a dialect name: postgres, duckdb, mysql, databricks, spark, snowflake, bigquery, oracle,
    # tsql, sqlite, trino, redshift, clickhouse, teradata
    dialect: str = "auto"
    backend: str = "llama"
    model: str = ""  # registry name, .gguf path or hf:<repo>/<file>; empty = the registry default
    baseUrl: str = ""
    threads: int = 0  # 0 = all cores
    gpuLayers: int = 0
    contextSize: int = 8192
    jobs: int = 4  # tables "Document this file" hands the model at once (llama batch, openai parallel requests)
    diagnostics: bool = True
    overwriteExisting: bool = False
    prefetch: bool = True  # document the tables near the cursor in the background while idle
    telemetry: bool = True  # record acceptance metrics locally
    warnings: list[str] = field(default_factory=list, compare=False)

    @property
    def dialect_name(self) -> str | None:
        return None if self.dialect in ("", "auto") else self.dialect

    def backend_config(self) -> BackendConfig:
        return BackendConfig(
            backend=self.backend,
            model=self.model or None,
            base_url=self.baseUrl or None,
            n_threads=self.threads or None,
            n_ctx=self.contextSize,
            n_gpu_layers=self.gpuLayers,
            jobs=self.jobs,
        )

    def merged(self, raw: object) -> Settings:
        """These settings updated from a client's JSON object; bad values keep their old value."""
        if not isinstance(raw, dict):
            return self
        changes: dict[str, Any] = {}
        warnings: list[str] = []
        for f in fields(self):
            if f.name == "warnings" or f.name not in raw or raw[f.name] is None:
                continue
            value = raw[f.name]
            current = getattr(self, f.name)
            if isinstance(current, bool):
                ok = isinstance(value, bool)
            elif isinstance(current, int):
                ok = isinstance(value, int) and not isinstance(value, bool) and value >= -1
            else:
                ok = isinstance(value, str)
            if ok and f.name == "jobs" and value < 1:
                ok = False
            if ok and f.name == "backend" and value not in BACKENDS:
                ok = False
            if ok and f.name == "dialect" and value not in ("", "auto"):
                try:
                    get_dialect(value)
                except UnknownDialectError:
                    ok = False
            if ok:
                changes[f.name] = value
            else:
                warnings.append(f"sqlscribe.{f.name}: ignoring invalid value {value!r}")
        return replace(self, **changes, warnings=warnings)


def settings_from(raw: object) -> Settings:
    return Settings().merged(raw)
