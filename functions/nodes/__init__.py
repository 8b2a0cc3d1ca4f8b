"""functions/nodes package."""
