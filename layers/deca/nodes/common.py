"""Building blocks shared by node configs: template strings, credential references, operation rules."""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Annotated, Any, ClassVar

from pydantic import ConfigDict, Field, ValidationInfo, field_validator
from pydantic_core import PydanticCustomError

from deca.nodes.base import NodeConfig, NodeOutput

__all__ = [
    "EMAIL_OR_TEMPLATE_PATTERN",
    "OPERATION_HELP",
    "TEMPLATE_PATTERN",
    "URL_OR_TEMPLATE_PATTERN",
    "CredentialId",
    "EmailOrTemplate",
    "ItemsOutput",
    "NodeRef",
    "OpenOutput",
    "Operation",
    "OperationConfig",
    "TemplateStr",
    "TemplatedInt",
    "TemplatedNumber",
    "VariableName",
]

OPERATION_HELP = "What to do (fields per operation: see Operations)"
"""Description of the selector field of every OperationConfig."""

TEMPLATE_PATTERN = r"^\s*\{\{[\s\S]*\}\}\s*$"
URL_OR_TEMPLATE_PATTERN = r"^(https?://\S+|\s*\{\{[\s\S]*\}\}\S*)$"
EMAIL_OR_TEMPLATE_PATTERN = r"^([^@\s{}]+@[^@\s{}]+\.[^@\s{}]+|\s*\{\{[\s\S]*\}\}\s*)$"

TemplateStr = Annotated[
    str,
    Field(
        pattern=TEMPLATE_PATTERN,
        description="A single `{{ expr }}` template whose value is used with its own type",
    ),
]
"""A string that is exactly one template, accepted where a typed value (number, list, ...) is expected."""

TemplatedInt = int | TemplateStr
TemplatedNumber = float | TemplateStr

CredentialId = Annotated[
    str,
    Field(
        min_length=1,
        max_length=128,
        pattern=r"^[A-Za-z0-9][A-Za-z0-9_.:/-]*$",
        description="Id of a stored credential (secrets are never written in a flow)",
    ),
]

EmailOrTemplate = Annotated[
    str,
    Field(
        pattern=EMAIL_OR_TEMPLATE_PATTERN,
        description="An email address or a template giving one",
    ),
]

NodeRef = Annotated[
    str, Field(pattern=r"^[A-Za-z][A-Za-z0-9_-]{0,63}$", description="The id of another node of the flow")
]

VariableName = Annotated[str, Field(pattern=r"^[A-Za-z_][A-Za-z0-9_]{0,63}$")]


class OpenOutput(NodeOutput):
    """Output whose shape depends on the config or the data: templates may reference any path in it."""

    model_config = ConfigDict(extra="allow")


class ItemsOutput(NodeOutput):
    """Output of list-shaped data nodes (filter, sort): the resulting items and how many there are."""

    items: list[Any] = Field(default_factory=list, description="The resulting items")
    count: int = Field(default=0, ge=0, description="Number of items")


@dataclass(frozen=True)
class Operation:
    """Which operation-specific fields an operation requires and which it also accepts."""

    required: tuple[str, ...] = ()
    optional: tuple[str, ...] = ()


def _operation_rules_schema(schema: dict[str, Any], model: type[Any]) -> None:
    """Add the per-operation rules to the JSON Schema (`allOf` of `if`/`then`), so editors enforce them too."""
    selector: str = model.SELECTOR
    specific: frozenset[str] = model.operation_fields()
    rules = []
    for name, rule in model.OPERATIONS.items():
        accepted = {*rule.required, *rule.optional}
        then: dict[str, Any] = {}
        if rule.required:
            then["required"] = list(rule.required)
        props: dict[str, dict[str, Any]] = {f: {"not": {"type": "null"}} for f in rule.required}
        props.update({f: {"type": "null"} for f in sorted(specific - accepted)})
        if props:
            then["properties"] = props
        if then:
            rules.append(
                {"if": {"properties": {selector: {"const": name}}, "required": [selector]}, "then": then}
            )
    if rules:
        schema["allOf"] = rules


@functools.cache
def _operation_fields(config: type[OperationConfig]) -> frozenset[str]:
    return frozenset(f for op in config.OPERATIONS.values() for f in (*op.required, *op.optional))


class OperationConfig(NodeConfig):
    """A config whose fields depend on a selector field (usually `operation`).

    Subclasses declare the selector as their FIRST field and map each of its values to an `Operation`.
    Every field named in some `Operation` is operation-specific: it must default to None, it is required
    when the chosen operation lists it as required, and rejected when the chosen operation does not list
    it. Errors are reported on the field itself (`config.key`), not on the whole config.
    """

    model_config = ConfigDict(validate_default=True, json_schema_extra=_operation_rules_schema)

    SELECTOR: ClassVar[str] = "operation"
    OPERATIONS: ClassVar[Mapping[str, Operation]] = {}

    @classmethod
    def operation_fields(cls) -> frozenset[str]:
        """Names of every operation-specific field of this config."""
        return _operation_fields(cls)

    @field_validator("*", mode="after")
    @classmethod
    def _fits_operation(cls, value: Any, info: ValidationInfo) -> Any:
        name = info.field_name
        selected = info.data.get(cls.SELECTOR)
        if name is None or name == cls.SELECTOR or selected is None:
            return value  # the selector itself, or it was invalid (reported on its own)
        if name not in cls.operation_fields():
            return value
        rule = cls.OPERATIONS[selected]
        if value is None and name in rule.required:
            raise PydanticCustomError(
                "operation_requires",
                "required when {selector} is '{selected}'",
                {"selector": cls.SELECTOR, "selected": selected},
            )
        if value is not None and name not in rule.required and name not in rule.optional:
            raise PydanticCustomError(
                "operation_forbids",
                "not used when {selector} is '{selected}' (remove it)",
                {"selector": cls.SELECTOR, "selected": selected},
            )
        return value
