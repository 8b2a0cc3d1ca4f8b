"""`code`: runs a snippet of Python or JavaScript in the sandbox."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Literal

from pydantic import Field

from deca.nodes.base import NodeConfig, NodeOutput, NodeSpec

if TYPE_CHECKING:
    from deca.nodes.context import NodeContext
    from deca.nodes.task import NodeTask
    from deca.sandbox import CodeRequest, CodeResult

__all__ = [
    "CODE_RUNNER_SERVICE",
    "SPEC",
    "CodeConfig",
    "CodeOutput",
    "CodeRunner",
    "LambdaCodeRunner",
    "code_runner",
    "run",
]

CODE_RUNNER_SERVICE = "code_runner"
"""`ctx.services` key of the CodeRunner; absent means the sandbox runs from this process (a child process)."""

CodeRunner = Callable[["CodeRequest", "NodeTask | None"], "CodeResult"]
"""Runs one sandboxed request (for a node task, or None for an agent's tool); raises the sandbox's named errors."""


class CodeConfig(NodeConfig):
    """Config of the code node."""

    language: Literal["python", "javascript"] = Field(description="Language of `source`")
    source: str = Field(
        min_length=1,
        max_length=100_000,
        description="Code defining `main(input)` (Python) or `main(input)` exported (JavaScript); its return "
        "value is the node's `result`",
    )
    input: Any = Field(default=None, description="Value passed to `main` (templates allowed)")
    timeout: int = Field(default=30, ge=1, le=900, description="Seconds before the run is stopped")
    memory_mb: int = Field(default=256, ge=128, le=10_240, description="Memory limit of the sandbox")


class CodeOutput(NodeOutput):
    """What a code node returns."""

    result: Any = Field(default=None, description="The return value of `main`")
    logs: str = Field(default="", description="Captured stdout/stderr (capped)")
    duration_ms: int = Field(default=0, ge=0, description="Run time in milliseconds")


SPEC = NodeSpec(
    type="code",
    category="core",
    description="Run a Python or JavaScript snippet in a sandbox",
    config=CodeConfig,
    output=CodeOutput,
    kind="task",
    icon="code",
    errors=(
        "CodeError",
        "CodeTimeout",
        "CodeResourceLimit",
        "CodeOutputTooLarge",
        "CodeSandboxViolation",
        "CodeValidationError",
        "SandboxError",
    ),
    example={
        "language": "python",
        "source": "def main(input):\n    return {'total': sum(input)}\n",
        "input": "{{ input.amounts }}",
    },
)


def _local_runner(request: CodeRequest, task: NodeTask | None) -> CodeResult:
    from deca.sandbox import run_code

    return run_code(request)


def code_runner(ctx: NodeContext) -> CodeRunner:
    """The context's CodeRunner (`services["code_runner"]`), or the sandbox started from this process."""
    runner = ctx.services.get(CODE_RUNNER_SERVICE)
    return runner if callable(runner) else _local_runner


def _remote_error(error_type: str, message: str) -> Exception:
    """The sandbox error named by a failed runner invocation (SandboxError for anything else)."""
    from deca.errors import DecaError
    from deca.sandbox import errors

    cls = getattr(errors, error_type, None)
    if isinstance(cls, type) and issubclass(cls, DecaError) and error_type in errors.__all__:
        error = cls.__new__(cls)
        DecaError.__init__(error, message)
        if isinstance(error, errors.CodeRunError):
            error.logs, error.layers = "", ()
        return error
    return errors.SandboxError(f"code runner failed: {error_type}: {message}")


class LambdaCodeRunner:
    """Runs requests on the isolated code-runner Lambda (AWS): its named errors are raised again here."""

    def __init__(self, lambda_client: Any, function_name: str) -> None:
        self._client = lambda_client
        self._function = function_name

    def __call__(self, request: CodeRequest, task: NodeTask | None) -> CodeResult:
        """Invoke the runner synchronously with a CodeRunEvent and return its CodeResult."""
        from deca.sandbox import CodeResult, CodeRunEvent, SandboxError

        event = CodeRunEvent(
            request=request,
            execution_id=task.execution_id if task else None,
            node_id=task.node_id if task else None,
        )
        try:
            response = self._client.invoke(
                FunctionName=self._function, InvocationType="RequestResponse", Payload=event.model_dump_json()
            )
            payload = json.loads(response["Payload"].read() or b"null")
        except Exception as exc:  # botocore's errors: the runner could not be reached
            raise SandboxError(f"could not invoke the code runner: {exc}") from exc
        if response.get("FunctionError"):
            body = payload if isinstance(payload, dict) else {}
            raise _remote_error(str(body.get("errorType", "Unknown")), str(body.get("errorMessage", "")))
        return CodeResult.model_validate(payload)


def run(config: CodeConfig, task: NodeTask, ctx: NodeContext) -> CodeOutput:
    """Run the snippet in the sandbox (never in this process); its errors propagate by class name."""
    from deca.sandbox import CodeRequest

    result = code_runner(ctx)(CodeRequest.from_config(config), task)
    return CodeOutput(result=result.result, logs=result.logs, duration_ms=result.duration_ms)
