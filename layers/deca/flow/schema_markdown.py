"""Render pydantic models as Markdown field tables, from their JSON Schema (the docs are never hand-written)."""

from __future__ import annotations

import json
from typing import Any

from pydantic import BaseModel
from pydantic.json_schema import GenerateJsonSchema, NoDefault
from pydantic_core import core_schema

from deca.nodes.common import EMAIL_OR_TEMPLATE_PATTERN, TEMPLATE_PATTERN, URL_OR_TEMPLATE_PATTERN

__all__ = ["DocsSchemaGenerator", "model_schema", "model_tables", "schema_type"]

# Patterns shown by name instead of as a regular expression.
_NAMED_STRINGS = {
    TEMPLATE_PATTERN: "template",
    EMAIL_OR_TEMPLATE_PATTERN: "email address or template",
    URL_OR_TEMPLATE_PATTERN: "http(s) URL or template",
}
_REF_PREFIX = "#/$defs/"


class DocsSchemaGenerator(GenerateJsonSchema):
    """JSON Schema generator that also shows `default_factory` defaults (`[]`, `{}`, sub-model defaults)."""

    def get_default_value(self, schema: core_schema.WithDefaultSchema) -> Any:
        """The static default, or the default factory's value when it takes no argument."""
        factory = schema.get("default_factory")
        if factory is not None and not schema.get("default_factory_takes_data"):
            value = factory()  # type: ignore[call-arg]
            return value.model_dump(mode="json", by_alias=True) if isinstance(value, BaseModel) else value
        return schema.get("default", NoDefault)


def model_schema(model: type[BaseModel]) -> dict[str, Any]:
    """The model's JSON Schema by alias, with factory defaults, as the docs render it."""
    return model.model_json_schema(by_alias=True, schema_generator=DocsSchemaGenerator)


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _range(low: Any, high: Any, unit: str = "") -> str:
    if low is not None and high is not None:
        return f"{low}..{high}{unit}"
    if low is not None:
        return f">= {low}{unit}"
    return f"<= {high}{unit}"


def _constraints(node: dict[str, Any]) -> str:
    parts: list[str] = []
    low, high = node.get("minimum"), node.get("maximum")
    if low is not None or high is not None:
        parts.append(_range(low, high))
    if "exclusiveMinimum" in node:
        parts.append(f"> {node['exclusiveMinimum']}")
    if "exclusiveMaximum" in node:
        parts.append(f"< {node['exclusiveMaximum']}")
    if "minLength" in node or "maxLength" in node:
        parts.append(_range(node.get("minLength"), node.get("maxLength"), " chars"))
    if "minItems" in node or "maxItems" in node:
        parts.append(_range(node.get("minItems"), node.get("maxItems"), " items"))
    if "minProperties" in node or "maxProperties" in node:
        parts.append(_range(node.get("minProperties"), node.get("maxProperties"), " keys"))
    if "pattern" in node and node["pattern"] not in _NAMED_STRINGS:
        parts.append(f"pattern `{node['pattern']}`")
    return f" ({', '.join(parts)})" if parts else ""


def schema_type(node: dict[str, Any]) -> str:
    """A short human type for a JSON Schema node, e.g. `integer (1..900) or template`."""
    if "$ref" in node:
        return f"`{node['$ref'].removeprefix(_REF_PREFIX)}`"
    if "discriminator" in node:
        count = len(node.get("oneOf", node.get("anyOf", [])))
        return f"one of {count} object types, chosen by `{node['discriminator']['propertyName']}`"
    if "anyOf" in node or "oneOf" in node:
        options = [schema_type(option) for option in node.get("anyOf", node.get("oneOf", []))]
        return " or ".join(dict.fromkeys(options)) + _constraints(node)
    if "const" in node:
        return f"`{json.dumps(node['const'])}`"
    if "enum" in node:
        return "one of " + ", ".join(f"`{json.dumps(v)}`" for v in node["enum"])
    kind = node.get("type")
    if kind == "string" and node.get("pattern") in _NAMED_STRINGS:
        return _NAMED_STRINGS[node["pattern"]]
    if kind == "array":
        items = node.get("items")
        return "array" + _constraints(node) + (f" of {schema_type(items)}" if items else "")
    if kind == "object":
        extra = node.get("additionalProperties")
        if isinstance(extra, dict) and extra:
            return f"object{_constraints(node)} of {schema_type(extra)}"
        return "object" + _constraints(node)
    if kind is None:
        return "any"
    return f"{kind}{_constraints(node)}"


def _default(name: str, prop: dict[str, Any], required: set[str]) -> str:
    if name in required:
        return "**required**"
    if "default" not in prop:
        return ""
    return f"`{json.dumps(prop['default'], ensure_ascii=False)}`"


def _fields_table(schema: dict[str, Any]) -> list[str]:
    props: dict[str, Any] = schema.get("properties", {})
    if not props:
        return ["_No fields._"]
    required = set(schema.get("required", []))
    lines = ["| Field | Type | Default | Description |", "| --- | --- | --- | --- |"]
    for name, prop in props.items():
        cells = (f"`{name}`", schema_type(prop), _default(name, prop, required), prop.get("description", ""))
        lines.append("| " + " | ".join(_cell(c) for c in cells) + " |")
    return lines


def _openness(schema: dict[str, Any]) -> str | None:
    if schema.get("additionalProperties") is True:
        return "Open object: other keys are allowed (and may be referenced by templates)."
    return None


def model_tables(model: type[BaseModel], *, heading: str, nested: bool = True) -> list[str]:
    """Markdown lines: the model's field table, then (nested) one table per object type it uses."""
    schema = model_schema(model)
    lines = [*_fields_table(schema)]
    note = _openness(schema)
    if note:
        lines += ["", note]
    if not nested:
        return lines
    for name, sub in schema.get("$defs", {}).items():
        lines += ["", f"{heading} `{name}`", ""]
        if sub.get("description"):
            lines += [_cell(sub["description"]), ""]
        if "properties" in sub:
            lines += _fields_table(sub)
        else:
            lines.append(f"Type: {schema_type(sub)}")
        note = _openness(sub)
        if note:
            lines += ["", note]
    return lines
