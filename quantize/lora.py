"""PEFT LoRA adapter → GGUF LoRA adapter that llama.cpp applies on top of the base GGUF.

Tensor names come from the ``gguf`` package's tables (``model.layers.3.self_attn.q_proj`` →
``blk.3.attn_q``); each adapted weight gets ``<name>.weight.lora_a`` and ``.lora_b``. LLaMA's
GGUF stores q and k with rotary rows permuted (llama.cpp's converter does it), while
transformers un-permutes them when it loads the GGUF; LoRA's B matrix, which maps to those
rows, gets the same permutation so that ``B @ A`` lines up with the GGUF weight.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from quantize.errors import ConversionError

_PEFT_KEY = re.compile(r"^(?:base_model\.model\.)?(?P<module>.+)\.lora_(?P<which>[AB])(?:\.\w+)?\.weight$")


@dataclass(frozen=True)
class BaseInfo:
    arch: str
    block_count: int
    head_count: int
    head_count_kv: int
    shapes: dict[str, tuple[int, ...]]  # GGUF tensor name → numpy shape (rows, columns)
    fields: dict[str, Any]


@dataclass(frozen=True)
class AdapterInfo:
    rank: int
    alpha: float
    target_modules: list[str]
    base_model: str | None
    tensors: dict[str, tuple[np.ndarray, np.ndarray]]  # HF module name → (A, B)

    @property
    def scale(self) -> float:
        return self.alpha / self.rank


def read_base(path: Path) -> BaseInfo:
    import gguf

    try:
        reader = gguf.GGUFReader(str(path))
    except (OSError, ValueError) as error:
        raise ConversionError(f"{path} is not a readable GGUF file ({error})") from None

    def field(key: str) -> Any:
        item = reader.fields.get(key)
        return item.contents() if item is not None else None

    arch = str(field("general.architecture"))
    shapes = {t.name: tuple(int(d) for d in reversed(list(t.shape))) for t in reader.tensors}
    heads = int(field(f"{arch}.attention.head_count") or 0)
    return BaseInfo(
        arch=arch,
        block_count=int(field(f"{arch}.block_count") or 0),
        head_count=heads,
        head_count_kv=int(field(f"{arch}.attention.head_count_kv") or heads),
        shapes=shapes,
        fields={k: field(k) for k in ("general.name", "general.architecture")},
    )


def read_adapter(folder: Path) -> AdapterInfo:
    from safetensors.numpy import load_file

    config_path = folder / "adapter_config.json"
    weights_path = folder / "adapter_model.safetensors"
    if not config_path.is_file() or not weights_path.is_file():
        raise ConversionError(f"{folder} is not a PEFT adapter (adapter_config.json and adapter_model.safetensors)")
    try:
        config = json.loads(config_path.read_text(encoding="utf-8"))
        raw = load_file(str(weights_path))
    except Exception as error:  # safetensors raises its own error type for a damaged file
        raise ConversionError(f"{folder}: cannot read the adapter ({error})") from None
    if config.get("peft_type", "LORA") != "LORA":
        raise ConversionError(f"{folder}: only LoRA adapters can be converted, not {config.get('peft_type')}")
    pairs: dict[str, dict[str, np.ndarray]] = {}
    for key, value in raw.items():
        match = _PEFT_KEY.match(key)
        if not match:
            raise ConversionError(f"{folder}: unexpected tensor {key!r} in the adapter")
        if not np.isfinite(value).all():
            raise ConversionError(f"{folder}: {key} holds values that are not finite numbers (the training diverged)")
        pairs.setdefault(match["module"], {})[match["which"]] = value.astype(np.float32)
    tensors = {}
    for module, pair in pairs.items():
        if set(pair) != {"A", "B"}:
            raise ConversionError(f"{folder}: {module} lacks its lora_A or lora_B matrix")
        tensors[module] = (pair["A"], pair["B"])
    rank = int(config.get("r", 0))
    if rank <= 0 or not tensors:
        raise ConversionError(f"{folder}: the adapter has no LoRA matrices")
    return AdapterInfo(
        rank=rank,
        alpha=float(config.get("lora_alpha", rank)),
        target_modules=list(config.get("target_modules") or []),
        base_model=config.get("base_model_name_or_path"),
        tensors=tensors,
    )


def _tensor_map(base: BaseInfo) -> Any:
    import gguf

    arch = next((a for a, name in gguf.MODEL_ARCH_NAMES.items() if name == base.arch), None)
    if arch is None:
        raise ConversionError(f"architecture {base.arch!r} is not known to the gguf package")
    return gguf.get_tensor_name_map(arch, base.block_count)


def permute_rows(matrix: np.ndarray, heads: int) -> np.ndarray:
    """llama.cpp's rotary row order for q/k (``LlamaModel.permute`` in its converter)."""
    rows = matrix.shape[0]
    return matrix.reshape(heads, 2, rows // heads // 2, *matrix.shape[1:]).swapaxes(1, 2).reshape(matrix.shape)


def gguf_name(module: str, base: BaseInfo, names: Any) -> str:
    name = names.get_name(module + ".weight", try_suffixes=(".weight",))
    if name is None or name not in base.shapes:
        raise ConversionError(f"adapter module {module!r} has no tensor in the base GGUF; is it the same base model?")
    return str(name)


def gguf_b(module: str, b: np.ndarray, base: BaseInfo) -> np.ndarray:
    """B in the GGUF's row order."""
    if base.arch == "llama" and module.endswith("q_proj"):
        return permute_rows(b, base.head_count)
    if base.arch == "llama" and module.endswith("k_proj"):
        return permute_rows(b, base.head_count_kv)
    return b


def mapped(adapter: AdapterInfo, base: BaseInfo) -> list[tuple[str, np.ndarray, np.ndarray]]:
    """(GGUF weight name, A, B in GGUF order) for every adapted module, checked against the base."""
    names = _tensor_map(base)
    out = []
    for module in sorted(adapter.tensors):
        a, b = adapter.tensors[module]
        name = gguf_name(module, base, names)
        rows, columns = base.shapes[name]
        if a.shape != (adapter.rank, columns) or b.shape != (rows, adapter.rank):
            raise ConversionError(
                f"adapter {module}: A {a.shape} and B {b.shape} do not fit the base tensor {name} ({rows}×{columns})"
            )
        out.append((name, a, gguf_b(module, b, base)))
    return out


def convert_adapter(adapter_dir: Path, base_gguf: Path, out: Path, *, dtype: str = "f16") -> Path:
    """Write the GGUF LoRA adapter; raises ConversionError (and writes nothing) on a mismatch."""
    import gguf

    base = read_base(base_gguf)
    adapter = read_adapter(adapter_dir)
    tensors = mapped(adapter, base)
    np_type = np.float16 if dtype == "f16" else np.float32
    out.parent.mkdir(parents=True, exist_ok=True)
    partial = out.with_suffix(out.suffix + ".partial")
    writer = gguf.GGUFWriter(str(partial), base.arch)
    writer.add_type(gguf.GGUFType.ADAPTER)
    writer.add_string(gguf.Keys.Adapter.TYPE, "lora")
    writer.add_float32(gguf.Keys.Adapter.LORA_ALPHA, adapter.alpha)
    writer.add_name(f"sqlscribe LoRA adapter for {base.fields.get('general.name') or base.arch}")
    for name, a, b in tensors:
        stem = name.removesuffix(".weight")
        writer.add_tensor(f"{stem}.weight.lora_a", np.ascontiguousarray(a.astype(np_type)))
        writer.add_tensor(f"{stem}.weight.lora_b", np.ascontiguousarray(b.astype(np_type)))
    return finish(writer, partial, out)


def finish(writer: Any, partial: Path, out: Path) -> Path:
    """Write the GGUF and move it into place only once it is complete."""
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()
    partial.replace(out)
    return out
