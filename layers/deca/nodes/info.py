"""The node catalogue as data: what `deca nodes`, the API and the designer's palette show."""

from __future__ import annotations

import functools
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from deca.errors import InputError
from deca.nodes.base import NodeCategory, NodeKind, NodeSpec
from deca.nodes.registry import NODE_TYPES

__all__ = ["NodeTypeInfo", "catalogue", "node_type_info"]


class NodeTypeInfo(BaseModel):
    """One node type as the catalogue publishes it (JSON Schemas included)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    type: str = Field(description="The node type string used in flow documents")
    category: NodeCategory
    description: str = Field(description="One line for humans")
    kind: NodeKind = Field(description="How the compiler maps it to ASL")
    side_effects: bool = Field(description="True when running it can change something outside the flow")
    icon: str = Field(description="Icon name (lucide) for the designer")
    errors: list[str] = Field(description="ASL error names its handler may raise")
    config_schema: dict[str, Any] = Field(description="JSON Schema of `config`")
    output_schema: dict[str, Any] = Field(description="JSON Schema of the node's output")


def _info(spec: NodeSpec) -> NodeTypeInfo:
    return NodeTypeInfo(
        type=spec.type,
        category=spec.category,
        description=spec.description,
        kind=spec.kind,
        side_effects=spec.side_effects,
        icon=spec.icon,
        errors=list(spec.errors),
        config_schema=spec.config.model_json_schema(by_alias=True),
        output_schema=spec.output.model_json_schema(by_alias=True),
    )


@functools.cache
def catalogue() -> tuple[NodeTypeInfo, ...]:
    """Every registered node type, sorted by type (built once, then shared: the models are frozen)."""
    return tuple(_info(NODE_TYPES[t]) for t in sorted(NODE_TYPES))


def node_type_info(node_type: str) -> NodeTypeInfo:
    """The catalogue entry of one node type; InputError when the type is unknown."""
    for info in catalogue():
        if info.type == node_type:
            return info
    raise InputError(f"unknown node type '{node_type}' (see `deca nodes`)")
