"""The model pipeline: synthesise data, fine-tune, evaluate. Imports the core, never the reverse."""
