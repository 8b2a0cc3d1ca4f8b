"""The `deca` command line."""
