"""Turn fine-tuning output into what llama.cpp runs.

1. :func:`quantize.lora.convert_adapter`: a PEFT LoRA adapter → a GGUF LoRA adapter, applied
   at run time on top of the original quantized base GGUF (``Llama(lora_path=…)``).
2. :func:`quantize.merge.merge_adapter`: base + adapter merged into one GGUF, then quantized
   with llama.cpp's own quantizer (Q8_0, Q4_K_M).
3. :func:`quantize.verify.verify_conversion`: load the result in llama.cpp and compare its
   greedy output with the PyTorch model's on fixed probe prompts.
"""

from quantize.errors import ConversionError

__all__ = ["ConversionError"]
