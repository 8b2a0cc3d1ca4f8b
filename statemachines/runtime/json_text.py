"""Fast JSON text for storage: pydantic-core's serializer and parser, with the standard library as fallback.

Checkpoints and stored documents are written and read on every step of every execution; pydantic-core
does both several times faster than `json`. The text is compact and UTF-8 (not `\\u` escapes). Values it
refuses (strings with lone surrogates, which a JSON body may carry) are written by `json.dumps`, whose
escapes `loads` reads back through `json.loads`.
"""

from __future__ import annotations

import json
from typing import Any

import pydantic_core

__all__ = ["dumps", "loads"]


def dumps(value: Any) -> str:
    """Compact JSON text of a JSON value (`TypeError` for values that are not JSON, as `json.dumps`)."""
    try:
        return pydantic_core.to_json(value).decode()
    except pydantic_core.PydanticSerializationError:
        return json.dumps(value, separators=(",", ":"))


def loads(text: str | bytes) -> Any:
    """The JSON value of `text` (`ValueError` if it is not JSON)."""
    try:
        return pydantic_core.from_json(text)
    except ValueError:
        return json.loads(text)
