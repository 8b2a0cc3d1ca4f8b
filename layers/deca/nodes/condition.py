"""`condition`: evaluates a boolean expression; outgoing connections take the true or false path."""

from __future__ import annotations

from pydantic import Field

from deca.nodes.base import NodeConfig, NodeOutput, NodeSpec

__all__ = ["SPEC", "ConditionConfig", "ConditionOutput"]


class ConditionConfig(NodeConfig):
    """Config of the condition node."""

    condition: str = Field(min_length=1, description="Boolean template, e.g. `{{ input.amount > 100 }}`")


class ConditionOutput(NodeOutput):
    """What a condition node records."""

    result: bool = Field(description="The value the condition evaluated to")


SPEC = NodeSpec(
    type="condition",
    category="core",
    description="Branch on a boolean expression (true / false paths)",
    config=ConditionConfig,
    output=ConditionOutput,
    kind="condition",
    icon="git-branch",
    example={"condition": "{{ input.amount > 100 }}"},
)
