"""`code`: runs a snippet of Python or JavaScript in the sandbox."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field

from deca.nodes.base import NodeConfig, NodeOutput, NodeSpec

__all__ = ["SPEC", "CodeConfig", "CodeOutput"]


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
    errors=("CodeError", "CodeTimeout", "CodeMemoryExceeded"),
    example={
        "language": "python",
        "source": "def main(input):\n    return {'total': sum(input)}\n",
        "input": "{{ input.amounts }}",
    },
)
