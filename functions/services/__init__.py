"""functions/services package."""
