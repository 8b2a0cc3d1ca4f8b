"""`set`: assigns flow variables, readable as `vars.<name>` in later templates."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from deca.nodes.base import NodeConfig, NodeSpec
from deca.nodes.common import OpenOutput, VariableName

__all__ = ["SPEC", "SetConfig", "SetOutput"]


class SetConfig(NodeConfig):
    """Config of the set node."""

    values: dict[VariableName, Any] = Field(
        min_length=1,
        description="Variable name -> value (any JSON, templates allowed); later nodes read `vars.<name>`",
    )


class SetOutput(OpenOutput):
    """The values that were set, by variable name."""


SPEC = NodeSpec(
    type="set",
    category="core",
    description="Set flow variables (`vars.<name>`) for later nodes",
    config=SetConfig,
    output=SetOutput,
    kind="set",
    icon="variable",
    example={"values": {"customer_id": "{{ input.customer.id }}", "attempt": 1}},
)
