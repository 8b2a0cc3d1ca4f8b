"""`function`: runs a registered, versioned user function."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pydantic import Field

from deca.nodes.base import NodeConfig, NodeOutput, NodeSpec

if TYPE_CHECKING:
    from deca.nodes.context import NodeContext
    from deca.nodes.task import NodeTask
    from deca.stores.models import FunctionRecord, FunctionVersion

__all__ = ["SPEC", "FunctionConfig", "FunctionOutput", "run"]


class FunctionConfig(NodeConfig):
    """Config of the function node."""

    function_id: str = Field(min_length=1, description="Id of the registered function to run")
    version: int | None = Field(default=None, ge=1, description="Pinned version; latest when omitted")
    input: Any = Field(
        default=None,
        description="Input passed to the function (templates allowed); the execution input when omitted",
    )
    input_schema: dict[str, Any] | None = Field(
        default=None,
        description="JSON Schema the function input must satisfy, in addition to the version's own",
    )
    timeout_seconds: int = Field(default=30, ge=1, le=900, description="Seconds before the run is stopped")


class FunctionOutput(NodeOutput):
    """What a function node returns."""

    success: bool = Field(description="True when the function ran and its result validated")
    result: Any = Field(default=None, description="The function's return value")
    errors: list[str] = Field(
        default_factory=list,
        description="Always empty: invalid input or output raises CodeValidationError (catchable)",
    )
    function_id: str = Field(default="", description="The function that ran")
    version: int = Field(default=0, ge=0, description="The version that ran (the latest when not pinned)")
    duration_ms: int = Field(default=0, ge=0, description="Run time in milliseconds")
    logs: str = Field(default="", description="Captured stdout/stderr (capped)")


SPEC = NodeSpec(
    type="function",
    category="core",
    description="Run a registered, versioned user function in the sandbox",
    config=FunctionConfig,
    output=FunctionOutput,
    kind="task",
    icon="function",
    errors=(
        "FunctionNotFound",
        "CodeValidationError",
        "CodeError",
        "CodeTimeout",
        "CodeResourceLimit",
        "CodeOutputTooLarge",
        "CodeSandboxViolation",
        "SandboxError",
    ),
    example={"function_id": "data-validator", "input": "{{ input.customer_data }}"},
)


def _load(config: FunctionConfig, ctx: NodeContext) -> tuple[FunctionRecord, FunctionVersion]:
    """The function and its pinned (or latest) version; `FunctionNotFound` naming the field otherwise."""
    from deca.deca_data.errors import FunctionNotFound
    from deca.errors import NotFoundError

    try:
        record = ctx.stores.functions.get(ctx.workspace_id, config.function_id)
    except NotFoundError:
        raise FunctionNotFound(f"function_id: function {config.function_id!r} not found") from None
    number = config.version or record.latest_version
    if number < 1:
        raise FunctionNotFound(f"function_id: function {config.function_id!r} has no versions yet")
    try:
        version = ctx.stores.functions.get_version(ctx.workspace_id, config.function_id, number)
    except NotFoundError:
        raise FunctionNotFound(
            f"version: function {config.function_id!r} has no version {number} "
            f"(latest is {record.latest_version})"
        ) from None
    return record, version


def _input_schema(config: FunctionConfig, version: FunctionVersion) -> dict[str, Any] | None:
    schemas = [s for s in (version.input_schema, config.input_schema) if s]
    if not schemas:
        return None
    return schemas[0] if len(schemas) == 1 else {"allOf": schemas}


def run(config: FunctionConfig, task: NodeTask, ctx: NodeContext) -> FunctionOutput:
    """Run the registered function's version in the sandbox, its input and result checked by its schemas."""
    from deca.nodes.code import code_runner
    from deca.sandbox import CodeRequest

    record, version = _load(config, ctx)
    request = CodeRequest(
        language=record.language,
        source=version.source,
        input=config.input if "input" in config.model_fields_set else task.input,
        timeout=config.timeout_seconds,
        input_schema=_input_schema(config, version),
        output_schema=version.output_schema or None,
    )
    result = code_runner(ctx)(request, task)
    return FunctionOutput(
        success=True,
        result=result.result,
        logs=result.logs,
        function_id=record.function_id,
        version=version.version,
        duration_ms=result.duration_ms,
    )
