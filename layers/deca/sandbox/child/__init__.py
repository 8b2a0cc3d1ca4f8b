"""Code that runs inside the sandbox child process: standard library only, no pydantic, no rest of deca.

`entry.py` is started as `python -I -S <path>/entry.py`; it registers bare `deca` and `deca.sandbox`
packages so these modules import without running the heavier package initialisers.
"""
