"""`sub_flow`: runs another flow and (by default) waits for its result."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field

from deca.nodes.base import NodeConfig, NodeOutput, NodeSpec

__all__ = ["SPEC", "SubFlowConfig", "SubFlowOutput"]


class SubFlowConfig(NodeConfig):
    """Config of the sub_flow node."""

    flow_id: str = Field(min_length=1, max_length=128, description="Id of the flow to run")
    version: int | None = Field(
        default=None, ge=1, description="Pinned version; the published one when unset"
    )
    input: Any = Field(default=None, description="The sub-flow's execution input (templates allowed)")
    wait_for_completion: bool = Field(
        default=True, description="Wait and output the sub-flow's result; false: start it and go on"
    )


class SubFlowOutput(NodeOutput):
    """What a sub_flow node returns."""

    execution_id: str = Field(description="Id of the sub-flow's execution")
    status: Literal["SUCCEEDED", "RUNNING"] = Field(description="RUNNING when not waiting for completion")
    output: Any = Field(default=None, description="The sub-flow's output (node id -> output)")


SPEC = NodeSpec(
    type="sub_flow",
    category="core",
    description="Run another flow as one step and use its output",
    config=SubFlowConfig,
    output=SubFlowOutput,
    kind="sub_flow",
    side_effects=True,
    icon="workflow",
    errors=("SubFlowFailed", "FlowNotFound"),
    example={"flow_id": "enrich-lead", "input": {"email": "{{ input.email }}"}},
)
