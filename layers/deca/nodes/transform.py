"""`transform`: builds a new value from templates (a JSONata `Pass`, no Lambda)."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from deca.nodes.base import NodeConfig, NodeSpec
from deca.nodes.common import OpenOutput

__all__ = ["SPEC", "TransformConfig", "TransformOutput"]


class TransformConfig(NodeConfig):
    """Config of the transform node."""

    output: Any = Field(
        description="The value to output: any JSON with templates inside strings, e.g. "
        '`{"name": "{{ input.first }} {{ input.last }}", "total": "{{ $sum(input.items.price) }}"}`'
    )


class TransformOutput(OpenOutput):
    """The value built from `output` (any shape: templates may reference any path in it)."""


SPEC = NodeSpec(
    type="transform",
    category="core",
    description="Reshape data with templates (JSONata), without calling anything",
    config=TransformConfig,
    output=TransformOutput,
    kind="transform",
    icon="shuffle",
    example={"output": {"email": "{{ $lowercase(input.email) }}", "total": "{{ $sum(input.items.price) }}"}},
)
