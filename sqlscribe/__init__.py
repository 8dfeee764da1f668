"""sqlscribe: document SQL tables and columns with a small local model."""

__version__ = "0.1.0"
