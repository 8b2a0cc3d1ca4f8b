"""Structured answers: parse the model's text as JSON and validate it against the node's JSON Schema."""

from __future__ import annotations

import json
import re
from typing import Any

from deca.ai.errors import AgentError, StructuredOutputInvalid

__all__ = ["check_schema", "parse_structured", "validation_problem"]

_FENCE = re.compile(r"^\s*```(?:json)?\s*(.*?)\s*```\s*$", re.DOTALL)


def check_schema(schema: dict[str, Any], *, field: str = "output_schema") -> None:
    """Raise AgentError naming `field` when `schema` is not a valid JSON Schema."""
    from jsonschema import Draft202012Validator
    from jsonschema.exceptions import SchemaError

    try:
        Draft202012Validator.check_schema(schema)
    except SchemaError as exc:
        where = "/".join(str(p) for p in exc.path)
        raise AgentError(
            f"config.{field} is not a valid JSON Schema at '{where}': {exc.message}", field=field
        ) from None


def validation_problem(value: Any, schema: dict[str, Any]) -> tuple[str, str] | None:
    """(path, message) of the most relevant way `value` breaks `schema`, or None when it fits."""
    from jsonschema import Draft202012Validator
    from jsonschema.exceptions import best_match

    error = best_match(Draft202012Validator(schema).iter_errors(value))
    if error is None:
        return None
    return "/" + "/".join(str(p) for p in error.absolute_path), error.message


def parse_structured(text: str, schema: dict[str, Any]) -> Any:
    """The answer as JSON matching `schema` (a ```json fence around it is accepted).

    Raises:
        StructuredOutputInvalid: not JSON, or not matching the schema (the message gives the path).
    """
    fenced = _FENCE.match(text)
    body = fenced.group(1) if fenced else text.strip()
    try:
        value = json.loads(body)
    except json.JSONDecodeError as exc:
        raise StructuredOutputInvalid(
            f"the answer is not JSON ({exc.msg} at char {exc.pos}): {body[:200]!r}"
        ) from None
    problem = validation_problem(value, schema)
    if problem is not None:
        path, message = problem
        raise StructuredOutputInvalid(
            f"the answer does not match output_schema at '{path}': {message}", path=path
        )
    return value
