"""`filter`: keeps the items of an array that match a condition."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from deca.nodes.base import NodeConfig, NodeSpec
from deca.nodes.common import ItemsOutput, TemplateStr

__all__ = ["SPEC", "FilterConfig", "FilterOutput"]


class FilterConfig(NodeConfig):
    """Config of the filter node."""

    items: TemplateStr | list[Any] = Field(description="The array to filter: a template or a literal list")
    condition: str = Field(
        min_length=1,
        description="Boolean template evaluated per element, which is `item` (position `index`), e.g. "
        "`{{ item.score >= 0.8 }}`",
    )
    limit: int | None = Field(default=None, ge=1, description="Keep at most this many matching items")


class FilterOutput(ItemsOutput):
    """The matching items, in their original order."""


SPEC = NodeSpec(
    type="filter",
    category="core",
    description="Keep the items of an array that match a condition",
    config=FilterConfig,
    output=FilterOutput,
    kind="filter",
    icon="filter",
    example={"items": "{{ input.leads }}", "condition": "{{ item.score >= 80 }}"},
)
