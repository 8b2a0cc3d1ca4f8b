"""Errors as API clients see them: the error name and message, never a Lambda stack trace.

A Lambda handler's error reaches Step Functions (and the local runtime, which mirrors it) with a JSON
cause `{"errorMessage", "errorType", "requestId", "stackTrace"}`. The stack trace names server files and
lines: execution records, node results and history events keep the message and drop the trace.
"""

from __future__ import annotations

import json
from typing import Any

from pydantic import JsonValue

__all__ = ["error_details", "error_message", "without_stack_trace"]


def _lambda_error(cause: object) -> dict[str, Any] | None:
    """The parsed Lambda error a cause holds (as JSON text or already parsed), else None."""
    parsed: object = cause
    if isinstance(cause, str):
        if not cause.startswith("{"):
            return None
        try:
            parsed = json.loads(cause)
        except ValueError:
            return None
    if isinstance(parsed, dict) and "errorMessage" in parsed and "errorType" in parsed:
        return parsed
    return None


def error_message(cause: JsonValue) -> JsonValue:
    """The message of a Lambda error cause; any other cause unchanged."""
    parsed = _lambda_error(cause)
    if parsed is None:
        return cause
    message: JsonValue = parsed.get("errorMessage")
    return message


def error_details(error: JsonValue, cause: JsonValue) -> dict[str, JsonValue]:
    """`{"error", "cause"}` of a failed execution or node, its cause reduced to the message."""
    return {"error": error, "cause": error_message(cause)}


def without_stack_trace(details: dict[str, Any]) -> dict[str, Any]:
    """History event details whose Lambda error cause (if any) has no `stackTrace`; same shape otherwise."""
    cause = details.get("cause")
    parsed = _lambda_error(cause)
    if parsed is None or "stackTrace" not in parsed:
        return details
    trimmed = {key: value for key, value in parsed.items() if key != "stackTrace"}
    return {
        **details,
        "cause": json.dumps(trimmed, separators=(",", ":")) if isinstance(cause, str) else trimmed,
    }
