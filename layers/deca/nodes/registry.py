"""The node registry: node type string -> NodeSpec (config model, output model, category, kind)."""

from __future__ import annotations

from types import MappingProxyType

from deca.nodes import agent, condition, function
from deca.nodes.base import NodeSpec

__all__ = ["NODE_TYPES", "get_spec"]

_MODULES = (agent, condition, function)

NODE_TYPES: MappingProxyType[str, NodeSpec] = MappingProxyType(
    {spec.type: spec for spec in sorted((m.SPEC for m in _MODULES), key=lambda s: s.type)}
)


def get_spec(node_type: str) -> NodeSpec | None:
    """The spec of a node type, or None when the type is unknown."""
    return NODE_TYPES.get(node_type)
