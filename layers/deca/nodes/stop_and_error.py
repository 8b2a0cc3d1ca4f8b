"""`stop_and_error`: ends the execution as failed with an error name and message."""

from __future__ import annotations

from pydantic import Field, field_validator

from deca.nodes.base import NodeConfig, NodeOutput, NodeSpec

__all__ = ["SPEC", "StopAndErrorConfig", "StopAndErrorOutput"]


class StopAndErrorConfig(NodeConfig):
    """Config of the stop_and_error node."""

    error: str = Field(
        default="FlowError",
        pattern=r"^[A-Za-z][A-Za-z0-9_.]{0,127}$",
        description="Error name of the failed execution (not `States.*`)",
    )
    message: str = Field(
        min_length=1, max_length=32_768, description="Cause shown to users (templates allowed)"
    )

    @field_validator("error")
    @classmethod
    def _not_reserved(cls, value: str) -> str:
        if value.startswith("States."):
            raise ValueError("error names starting with 'States.' are reserved by Step Functions")
        return value


class StopAndErrorOutput(NodeOutput):
    """Never produced: the execution ends here."""


SPEC = NodeSpec(
    type="stop_and_error",
    category="core",
    description="Fail the execution with an error name and message",
    config=StopAndErrorConfig,
    output=StopAndErrorOutput,
    kind="fail",
    icon="octagon-x",
    example={"error": "InvalidOrder", "message": "Order {{ input.order_id }} has no items"},
)
