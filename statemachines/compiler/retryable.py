"""Which error names are retryable: DecaError classes with `retryable = True` (STYLE: errors are ASL names).

Every `deca.*.errors` module is imported first, so the answer (and the compiled Retry) never depends on
what else the process happened to import.
"""

from __future__ import annotations

import functools
import importlib
import logging
from pathlib import Path

import deca
from deca.errors import DecaError

__all__ = ["retryable_errors"]

logger = logging.getLogger(__name__)


def _subclasses(cls: type[DecaError]) -> list[type[DecaError]]:
    found: list[type[DecaError]] = []
    for sub in cls.__subclasses__():
        found.append(sub)
        found.extend(_subclasses(sub))
    return found


@functools.cache
def retryable_errors() -> frozenset[str]:
    """Names of the DecaError classes marked retryable, across every `deca` errors module."""
    for root in sorted(deca.__path__):
        base = Path(root)
        for path in sorted(base.rglob("errors.py")):  # namespace packages too (no __init__.py)
            parts = path.relative_to(base).with_suffix("").parts
            try:
                importlib.import_module(".".join(("deca", *parts)))
            except Exception:  # a broken errors module must not break every compile
                logger.warning("cannot import %s", ".".join(("deca", *parts)), exc_info=True)
    return frozenset(cls.__name__ for cls in _subclasses(DecaError) if cls.retryable)
