"""Reading user files and JSON for CLI commands, with one-line errors instead of tracebacks."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from deca.errors import InputError

__all__ = ["load_json_file", "parse_json_text"]


def parse_json_text(text: str, *, what: str) -> Any:
    """Parse JSON text given on the command line; `what` names it in the error."""
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(
            f"{what} is not valid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}"
        ) from exc


def load_json_file(path: str) -> Any:
    """Load a JSON file, raising InputError with the path when it is missing or malformed."""
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise InputError(f"{path}: no such file") from exc
    except IsADirectoryError as exc:
        raise InputError(f"{path}: is a directory") from exc
    except UnicodeDecodeError as exc:
        raise InputError(f"{path}: not UTF-8 text") from exc
    except OSError as exc:
        raise InputError(f"{path}: {exc.strerror}") from exc
    return parse_json_text(text, what=path)
