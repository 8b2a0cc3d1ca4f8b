"""`loop`: runs its body (the path after its "body" edge) once per item of an array."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from deca.nodes.base import NodeConfig, NodeOutput, NodeSpec
from deca.nodes.common import TemplateStr

__all__ = ["SPEC", "LoopConfig", "LoopOutput"]


class LoopConfig(NodeConfig):
    """Config of the loop node; inside the body, templates can use `item` and `index`."""

    items: TemplateStr | list[Any] = Field(description="The array to iterate: a template or a literal list")
    max_concurrency: int | None = Field(
        default=None,
        ge=0,
        le=10_000,
        description="Items run at once; unset: settings.parallelism; 0: no limit",
    )
    tolerated_failure_percentage: float = Field(
        default=0, ge=0, le=100, description="Failed items tolerated before the loop fails (distributed runs)"
    )


class LoopOutput(NodeOutput):
    """What a loop node returns."""

    results: list[Any] = Field(default_factory=list, description="The last body node's output, per item")
    count: int = Field(default=0, ge=0, description="Number of items processed")


SPEC = NodeSpec(
    type="loop",
    category="core",
    description="Run the body path once per item of an array and collect the results",
    config=LoopConfig,
    output=LoopOutput,
    kind="loop",
    icon="repeat",
    example={"items": "{{ input.orders }}", "max_concurrency": 5},
)
