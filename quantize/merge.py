"""Base + LoRA adapter merged into one GGUF, then quantized with llama.cpp's own quantizer.

The merged file is written with the base GGUF as its template: the same metadata (tokenizer,
chat template, hyper-parameters) and tensor names, each weight de-quantized to float, the
adapted ones with ``scale · B @ A`` added, stored as F16. llama.cpp then quantizes that file
to Q8_0 or Q4_K_M like any model it converted itself.
"""

from __future__ import annotations

import ctypes
from pathlib import Path
from typing import Any

import numpy as np

from quantize.errors import ConversionError
from quantize.lora import finish, mapped, read_adapter, read_base

FTYPES = {"q8_0": "LLAMA_FTYPE_MOSTLY_Q8_0", "q4_k_m": "LLAMA_FTYPE_MOSTLY_Q4_K_M", "f16": "LLAMA_FTYPE_MOSTLY_F16"}
_FILE_TYPE_F16 = 1


def _copy_fields(reader: Any, writer: Any) -> None:
    import gguf

    for key, field in reader.fields.items():
        if key.startswith("GGUF.") or key == "general.architecture":
            continue
        value = field.contents()
        if key == "general.file_type":
            value = _FILE_TYPE_F16
        elif key == "general.type":
            value = "model"
        vtype = field.types[0]
        sub_type = field.types[1] if vtype == gguf.GGUFValueType.ARRAY and len(field.types) > 1 else None
        writer.add_key_value(key, value, vtype, sub_type=sub_type)


def merge_adapter(adapter_dir: Path, base_gguf: Path, out: Path) -> Path:
    """Write ``out`` (F16): the base with the adapter folded into its weights."""
    import gguf

    base = read_base(base_gguf)
    adapter = read_adapter(adapter_dir)
    deltas = {name: adapter.scale * (b @ a) for name, a, b in mapped(adapter, base)}
    reader = gguf.GGUFReader(str(base_gguf))
    out.parent.mkdir(parents=True, exist_ok=True)
    partial = out.with_suffix(out.suffix + ".partial")
    writer = gguf.GGUFWriter(str(partial), base.arch)
    _copy_fields(reader, writer)
    merged = 0
    for tensor in reader.tensors:
        kind = gguf.GGMLQuantizationType(tensor.tensor_type)
        shape = tuple(int(d) for d in reversed(list(tensor.shape)))
        values = gguf.quants.dequantize(tensor.data, kind).astype(np.float32).reshape(shape)
        if tensor.name in deltas:
            values = values + deltas[tensor.name]
            merged += 1
        # One-dimensional tensors (norms) stay F32, as llama.cpp's converter keeps them.
        data = values if values.ndim == 1 else values.astype(np.float16)
        writer.add_tensor(tensor.name, np.ascontiguousarray(data))
    if merged != len(deltas):
        raise ConversionError(f"merged {merged} of {len(deltas)} adapted tensors")
    return finish(writer, partial, out)


def quantize_gguf(source: Path, out: Path, kind: str, *, threads: int = 0) -> Path:
    """llama.cpp's quantizer (``llama_model_quantize``): ``kind`` is q8_0, q4_k_m or f16."""
    import llama_cpp

    if kind not in FTYPES:
        raise ConversionError(f"unknown quantization {kind!r}; choose one of {', '.join(FTYPES)}")
    params = llama_cpp.llama_model_quantize_default_params()
    params.ftype = getattr(llama_cpp, FTYPES[kind])
    params.nthread = threads
    out.parent.mkdir(parents=True, exist_ok=True)
    partial = out.with_suffix(out.suffix + ".partial")
    status = llama_cpp.llama_model_quantize(str(source).encode(), str(partial).encode(), ctypes.byref(params))
    if status != 0 or not partial.is_file():
        partial.unlink(missing_ok=True)
        raise ConversionError(f"llama.cpp could not quantize {source} to {kind} (status {status})")
    partial.replace(out)
    return out
