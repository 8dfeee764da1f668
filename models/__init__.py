"""The model registry: ``registry.toml`` names every model sqlscribe can run, and
``adapters/`` holds the LoRA adapters we trained (see README.md)."""

from pathlib import Path

MODELS_DIR = Path(__file__).resolve().parent
REGISTRY_PATH = MODELS_DIR / "registry.toml"
