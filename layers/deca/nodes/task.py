"""`NodeTask`: the event a node Lambda receives from a compiled flow (the `Payload` of its Task state).

The compiler builds it in `Arguments.Payload` of every task-kind state: the node's config with its
templates already resolved to values, the execution input and correlation ids. Callback nodes
(approval, form) also get the task token to answer with. A handler whose output is larger than
`output_ref_threshold` bytes stores it and returns `{"$ref": "<object store URI>"}` instead, so
nothing is truncated by the Step Functions payload limit (256 KiB).
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

__all__ = ["DEFAULT_OUTPUT_REF_THRESHOLD", "ExecutionInfo", "NodeTask", "OutputRef"]

DEFAULT_OUTPUT_REF_THRESHOLD = 262_144


class ExecutionInfo(BaseModel):
    """The execution a node task belongs to (from the Step Functions context object)."""

    model_config = ConfigDict(extra="ignore")

    id: str = Field(description="Execution ARN (or the local execution id)")
    name: str = ""
    start_time: str = Field(default="", description="ISO-8601 start time of the execution")


class NodeTask(BaseModel):
    """The event of one node run; handlers parse it, then validate `config` with their config model."""

    model_config = ConfigDict(extra="ignore")

    execution: ExecutionInfo
    workspace_id: str = Field(default="local", description="Workspace the flow belongs to (tenancy scope)")
    flow_id: str
    node_id: str
    node_type: str
    config: dict[str, Any] = Field(default_factory=dict, description="The node config, templates resolved")
    input: Any = Field(default=None, description="The execution input (the trigger data)")
    output_ref_threshold: int = Field(default=DEFAULT_OUTPUT_REF_THRESHOLD, ge=0)
    task_token: str | None = Field(default=None, description="Callback nodes: the token to answer with")
    iteration: list[int] = Field(
        default_factory=list,
        description="Item indices of the enclosing loops, outermost first (empty outside)",
    )

    @property
    def execution_id(self) -> str:
        """The execution id (a correlation key for logs)."""
        return self.execution.id

    @property
    def execution_name(self) -> str:
        """The platform's id of the execution: its name (the last part of the execution ARN)."""
        return self.execution.name or self.execution.id.rsplit(":", 1)[-1]


class OutputRef(BaseModel):
    """An output stored outside the state (too large for the payload limit): `{"$ref": uri}`."""

    model_config = ConfigDict(populate_by_name=True)

    ref: str = Field(alias="$ref", description="Where the output is stored (e.g. s3://bucket/key)")
