"""The model registry: PyPI-shipped files, local paths, the hub cache, and damaged files."""

from __future__ import annotations

import hashlib
import os
import shutil
from pathlib import Path

import pytest

from sqlscribe.models import ModelError, file_sha256, load_registry, resolve, spec_for

REGISTRY_TOML = """default = "{name}"
[[model]]
name = "{name}"
[model.base]
source = "path"
path = "{path}"
sha256 = "{sha}"
"""


def _embedded() -> Path:
    return resolve(spec_for(None)).base_path


def _place_embedded(target: Path) -> None:
    """The embedded model at ``target``: a hard link where the file system allows (500 MB saved per test)."""
    try:
        os.link(_embedded(), target)
    except OSError:
        shutil.copyfile(_embedded(), target)


def test_registry_lists_the_three_pypi_bases_and_a_default() -> None:
    registry = load_registry()
    names = {m.name for m in registry.models}
    assert {"smollm2-135m-instruct", "gemma3-270m", "qwen2.5-coder-0.5b-instruct"} <= names
    assert registry.default_spec.name in names
    assert all(m.base.sha256 for m in registry.models)


def test_default_model_resolves_from_its_package_and_matches_its_sha256() -> None:
    resolved = resolve(spec_for(None))
    assert resolved.base_path.is_file()
    assert resolved.base_path.read_bytes()[:4] == b"GGUF"
    assert file_sha256(resolved.base_path) == resolved.spec.base.sha256


@pytest.mark.parametrize("name", ["gemma3-270m", "qwen2.5-coder-0.5b-instruct"])
def test_chunked_pypi_models_are_assembled_and_verified(name: str) -> None:
    spec = spec_for(name)
    try:
        resolved = resolve(spec)
    except ModelError as error:
        assert "pip install" in str(error)
        pytest.skip(f"optional model not installed: {error}")
    assert resolved.base_path.read_bytes()[:4] == b"GGUF"
    assert file_sha256(resolved.base_path) == spec.base.sha256


def test_local_gguf_path(tmp_path: Path) -> None:
    local = tmp_path / "my-model.gguf"
    _place_embedded(local)
    resolved = resolve(spec_for(str(local)))
    assert resolved.base_path == local.resolve()


def test_corrupt_model_is_refused_with_a_fix(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    damaged = tmp_path / "damaged.gguf"
    data = bytearray(_embedded().read_bytes()[: 1 << 20])
    damaged.write_bytes(bytes(data))
    registry = tmp_path / "registry.toml"
    registry.write_text(REGISTRY_TOML.format(name="m", path=damaged, sha="0" * 64))
    monkeypatch.setenv("SQLSCRIBE_REGISTRY", str(registry))
    with pytest.raises(ModelError) as info:
        resolve(spec_for("m"))
    message = str(info.value)
    assert "corrupt" in message and "--backend heuristic" in message and "\n" not in message


def test_missing_package_says_which_pip_install(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    registry = tmp_path / "registry.toml"
    registry.write_text(
        'default = "ghost"\n[[model]]\nname = "ghost"\n[model.base]\nsource = "pypi"\n'
        'package = "ghost-model==1.0"\nfilename = "g.gguf"\nparts = [["ghost_model_pkg", "g.gguf"]]\n'
    )
    monkeypatch.setenv("SQLSCRIBE_REGISTRY", str(registry))
    with pytest.raises(ModelError, match=r"pip install ghost-model==1.0"):
        resolve(spec_for(None))


def test_unknown_model_name() -> None:
    with pytest.raises(ModelError, match="unknown model 'nope'"):
        spec_for("nope")


def test_hub_model_from_a_prepopulated_offline_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The real huggingface-hub download code, pointed at a local cache laid out as the hub lays it out."""
    hub = tmp_path / "hub"
    repo = hub / "models--acme--tiny-docs"
    commit = "0123456789abcdef0123456789abcdef01234567"
    snapshot = repo / "snapshots" / commit
    snapshot.mkdir(parents=True)
    (repo / "refs").mkdir()
    (repo / "refs" / "main").write_text(commit)
    _place_embedded(snapshot / "tiny.gguf")
    monkeypatch.setenv("HF_HUB_CACHE", str(hub))
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    import huggingface_hub.constants as hf_constants

    monkeypatch.setattr(hf_constants, "HF_HUB_CACHE", str(hub))
    monkeypatch.setattr(hf_constants, "HF_HUB_OFFLINE", True)
    resolved = resolve(spec_for("hf:acme/tiny-docs/tiny.gguf"))
    assert resolved.base_path == snapshot / "tiny.gguf"
    with pytest.raises(ModelError, match="not in the hub cache"):
        resolve(spec_for("hf:acme/other-repo/x.gguf"))


def test_evaluation_results_are_recorded_in_the_registry_entry(tmp_path: Path) -> None:
    """The model-selection bench writes each model's results into its entry (and card); doing it
    again replaces them, and nothing else in the file changes."""
    import tomllib

    from quantize.errors import ConversionError
    from quantize.register import card_with_evaluation, record_evaluation
    from sqlscribe.models import registry_path

    path = tmp_path / "registry.toml"
    shutil.copy(registry_path(), path)
    before = tomllib.loads(path.read_text())
    first = {"date": "2026-01-01", "dev_similarity": 0.5, "dev_similarity_ci95": [0.4, 0.6], "dev_restated": "1/52"}
    second = {"date": "2026-01-02", "dev_similarity": 0.7}
    record_evaluation(path, "gemma3-270m", first)
    record_evaluation(path, "gemma3-270m", second)
    after = tomllib.loads(path.read_text())
    entries = {m["name"]: m for m in after["model"]}
    assert entries["gemma3-270m"]["evaluation"] == second
    for model in before["model"]:  # every other key of every entry is untouched
        changed = {k: v for k, v in entries[model["name"]].items() if k != "evaluation"}
        assert changed == {k: v for k, v in model.items() if k != "evaluation"}
    assert load_registry(path).get("gemma3-270m").evaluation == second  # type: ignore[union-attr]
    with pytest.raises(ConversionError, match="no model named"):
        record_evaluation(path, "no-such-model", second)
    card = card_with_evaluation("# m\n\n## Lineage\n- a: b\n", first)
    card = card_with_evaluation(card, second)
    assert card == "# m\n\n## Lineage\n- a: b\n\n## Evaluation\n- date: 2026-01-02\n- dev_similarity: 0.7\n"


def test_parts_are_assembled_once_into_the_models_folder_and_again_if_damaged(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    package = tmp_path / "site" / "split_model_pkg"
    package.mkdir(parents=True)
    (package / "__init__.py").write_text("")
    whole = b"GGUF" + bytes(range(256)) * 64
    (package / "m.gguf.0").write_bytes(whole[:5000])
    (package / "m.gguf.1").write_bytes(whole[5000:])
    monkeypatch.syspath_prepend(str(tmp_path / "site"))
    sha = hashlib.sha256(whole).hexdigest()
    registry = tmp_path / "registry.toml"
    registry.write_text(
        f'default = "split"\n[[model]]\nname = "split"\n[model.base]\nsource = "pypi"\npackage = "split-model==1"\n'
        f'filename = "m.gguf"\nsha256 = "{sha}"\n'
        'parts = [["split_model_pkg", "m.gguf.0"], ["split_model_pkg", "m.gguf.1"]]\n'
    )
    monkeypatch.setenv("SQLSCRIBE_REGISTRY", str(registry))
    models = tmp_path / "models"
    monkeypatch.setenv("SQLSCRIBE_MODELS_DIR", str(models))

    path = resolve(spec_for(None)).base_path
    assert path.parent.parent == models and path.read_bytes() == whole
    assert not (Path(os.environ["SQLSCRIBE_CACHE_DIR"]) / "models").exists()  # the generation cache stays small
    first = path.stat().st_mtime_ns
    assert resolve(spec_for(None)).base_path.stat().st_mtime_ns == first  # not copied again

    # Damaged in place (same size): the copy is ours, so it is assembled again, not blamed on the package.
    path.write_bytes(b"XXXX" + whole[4:])
    assert resolve(spec_for(None)).base_path.read_bytes() == whole
