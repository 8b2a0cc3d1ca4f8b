"""`merge`: joins parallel branches and combines their outputs."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field

from deca.nodes.base import NodeConfig, NodeSpec
from deca.nodes.common import NodeRef, OpenOutput

__all__ = ["SPEC", "MergeConfig", "MergeOutput"]


class MergeConfig(NodeConfig):
    """Config of the merge node; it starts once every incoming branch is done."""

    mode: Literal["by_node", "combine", "append"] = Field(
        default="by_node",
        description="by_node: `{<node-id>: output}`; combine: shallow-merge the outputs (objects, later "
        "wins); append: `{items: [...]}` concatenating the outputs (arrays are flattened one level)",
    )
    inputs: list[NodeRef] | None = Field(
        default=None,
        description="Upstream node ids to merge, in this order; unset: the nodes of the incoming connections",
    )


class MergeOutput(OpenOutput):
    """The merged value (its keys depend on `mode` and on the inputs)."""

    items: list[Any] | None = Field(default=None, description="The concatenated outputs (mode append)")


SPEC = NodeSpec(
    type="merge",
    category="core",
    description="Wait for every incoming branch and combine their outputs",
    config=MergeConfig,
    output=MergeOutput,
    kind="merge",
    icon="merge",
    example={"mode": "combine"},
)
