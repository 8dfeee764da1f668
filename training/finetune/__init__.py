"""LoRA fine-tuning of a small base model on the synthetic corpus (``sqlscribe train``)."""
