"""Training examples from real schemas that their authors documented (README.md)."""
