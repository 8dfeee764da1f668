class ConversionError(ValueError):
    """A conversion could not be made or failed its verification; nothing is registered."""
