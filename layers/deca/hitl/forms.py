"""A form node's fields as a JSON Schema, and submitted data checked against it (`jsonschema`)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from deca.hitl.errors import FormInvalid

if TYPE_CHECKING:
    from deca.nodes.form import FormField

__all__ = ["form_schema", "validate_form_data"]

_DATE = r"^\d{4}-\d{2}-\d{2}$"
_EMAIL = r"^[^@\s]+@[^@\s]+\.[^@\s]+$"


def _field_schema(field: FormField) -> dict[str, Any]:
    schema: dict[str, Any]
    if field.type in ("text", "textarea", "file"):
        schema = {"type": "string"}
    elif field.type == "number":
        schema = {"type": "number"}
    elif field.type == "email":
        schema = {"type": "string", "pattern": _EMAIL}
    elif field.type == "date":
        schema = {"type": "string", "pattern": _DATE}
    elif field.type == "checkbox":
        schema = {"type": "boolean"}
    elif field.type == "select":
        schema = {"enum": list(field.options or [])}
    else:
        schema = {"type": "array", "items": {"enum": list(field.options or [])}, "uniqueItems": True}
    schema["title"] = field.label
    if field.help:
        schema["description"] = field.help
    if field.default is not None:
        schema["default"] = field.default
    return schema


def form_schema(fields: Sequence[FormField]) -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of a form's answers: one property per field, no others."""
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "type": "object",
        "properties": {f.name: _field_schema(f) for f in fields},
        "required": [f.name for f in fields if f.required],
        "additionalProperties": False,
    }


def validate_form_data(schema: dict[str, Any], data: Any) -> None:
    """Raise `FormInvalid` naming the first offending field when `data` does not fit `schema`."""
    import jsonschema

    validator = jsonschema.Draft202012Validator(schema)
    errors = sorted(validator.iter_errors(data), key=lambda e: list(e.absolute_path))
    if errors:
        first = errors[0]
        where = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in first.absolute_path)
        path = "data" + where
        if first.validator == "required" and isinstance(first.instance, dict):
            missing = next((name for name in first.validator_value if name not in first.instance), None)
            path += f".{missing}" if missing else ""
        raise FormInvalid(f"{path}: {first.message}", path=path)
