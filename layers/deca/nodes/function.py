"""`function`: runs a registered, versioned user function."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from deca.nodes.base import NodeConfig, NodeOutput, NodeSpec

__all__ = ["SPEC", "FunctionConfig", "FunctionOutput"]


class FunctionConfig(NodeConfig):
    """Config of the function node."""

    function_id: str = Field(min_length=1, description="Id of the registered function to run")
    version: int | None = Field(default=None, ge=1, description="Pinned version; latest when omitted")
    input: Any = Field(default=None, description="Input passed to the function (templates allowed)")
    input_schema: dict[str, Any] | None = Field(
        default=None, description="JSON Schema the function input must satisfy"
    )
    timeout_seconds: int = Field(default=30, ge=1, le=900, description="Seconds before the run is stopped")


class FunctionOutput(NodeOutput):
    """What a function node returns."""

    success: bool = Field(description="True when the function ran and its result validated")
    result: Any = Field(default=None, description="The function's return value")
    errors: list[str] = Field(default_factory=list, description="Validation errors, if any")
    logs: str = Field(default="", description="Captured stdout/stderr (capped)")


SPEC = NodeSpec(
    type="function",
    category="core",
    description="Run a registered, versioned user function in the sandbox",
    config=FunctionConfig,
    output=FunctionOutput,
    kind="task",
    icon="function",
    errors=("FunctionNotFound", "CodeError", "CodeTimeout"),
    example={"function_id": "data-validator", "input": "{{ input.customer_data }}"},
)
