"""Builds the child's reply: a status, an error kind or the result (JSON text), and the logs."""

from __future__ import annotations

from deca.sandbox.child.protocol import (
    KIND_CODE_ERROR,
    KIND_OUTPUT_TOO_LARGE,
    KIND_VIOLATION,
    STATUS_ERROR,
    STATUS_OK,
)

__all__ = ["code_error", "failure", "output_json", "violation"]

# The child starts per run: no typing import at run time (mypy still sees these).
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    Outcome = dict[str, Any]

_MAX_MESSAGE = 4_000


def failure(kind: str, message: str, logs: str, **extra: Any) -> Outcome:
    """An error reply of one kind (see protocol)."""
    return {"status": STATUS_ERROR, "kind": kind, "message": message[:_MAX_MESSAGE], "logs": logs, **extra}


def code_error(exc_type: str, message: str, line: int | None, logs: str) -> Outcome:
    """The user's own exception, with its type name, message and line in the source."""
    return failure(KIND_CODE_ERROR, message, logs, exc_type=exc_type[:200], line=line)


def violation(message: str, line: int | None, logs: str) -> Outcome:
    """The code reached for something the sandbox forbids."""
    return failure(KIND_VIOLATION, message, logs, line=line)


def output_json(text: str, logs: str, max_output_bytes: int) -> Outcome:
    """A successful reply carrying an already serialised JSON result."""
    size = len(text.encode("utf-8", "surrogatepass"))
    if size > max_output_bytes:
        return failure(
            KIND_OUTPUT_TOO_LARGE, f"the result is {size} bytes, more than {max_output_bytes}", logs
        )
    return {"status": STATUS_OK, "result_json": text, "logs": logs}
