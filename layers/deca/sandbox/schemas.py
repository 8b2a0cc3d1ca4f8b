"""Validation of a function's input and result against its declared JSON Schemas."""

from __future__ import annotations

from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import SchemaError

from deca.sandbox.errors import CodeValidationError

__all__ = ["check_schema", "validate_value"]

_MAX_ERRORS = 20


def check_schema(schema: dict[str, Any], *, stage: str) -> None:
    """Raise CodeValidationError when `schema` itself is not a valid JSON Schema."""
    try:
        Draft202012Validator.check_schema(schema)
    except SchemaError as exc:
        raise CodeValidationError(
            f"the {stage} schema is not a valid JSON Schema: {exc.message}", stage=stage, errors=[exc.message]
        ) from exc


def validate_value(value: Any, schema: dict[str, Any], *, stage: str, logs: str = "") -> None:
    """Raise CodeValidationError listing every place where `value` breaks `schema`."""
    check_schema(schema, stage=stage)
    validator = Draft202012Validator(schema)
    errors = []
    for error in sorted(validator.iter_errors(value), key=lambda e: list(e.absolute_path)):
        where = "/".join(str(p) for p in error.absolute_path) or "(root)"
        errors.append(f"{where}: {error.message}")
        if len(errors) == _MAX_ERRORS:
            break
    if errors:
        raise CodeValidationError(
            f"the {stage} does not match its schema: {errors[0]}", stage=stage, errors=errors, logs=logs
        )
