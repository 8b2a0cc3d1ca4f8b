"""`sort`: orders the items of an array by one or more keys."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from deca.nodes.base import NodeConfig, NodeSpec
from deca.nodes.common import ItemsOutput, TemplateStr

__all__ = ["SPEC", "SortConfig", "SortKey", "SortOutput"]


class SortKey(BaseModel):
    """One sort key: a field path inside each item and a direction."""

    model_config = ConfigDict(extra="forbid")

    field: str = Field(
        pattern=r"^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$",
        description="Dotted path inside each item, e.g. `customer.created_at`",
    )
    order: Literal["asc", "desc"] = Field(default="asc", description="Ascending or descending")


class SortConfig(NodeConfig):
    """Config of the sort node."""

    items: TemplateStr | list[Any] = Field(description="The array to sort: a template or a literal list")
    by: list[SortKey] = Field(
        default_factory=list, max_length=10, description="Sort keys, most significant first; empty: the items"
    )
    order: Literal["asc", "desc"] = Field(default="asc", description="Direction when `by` is empty")
    limit: int | None = Field(default=None, ge=1, description="Keep only the first `limit` items")


class SortOutput(ItemsOutput):
    """The sorted items."""


SPEC = NodeSpec(
    type="sort",
    category="core",
    description="Sort the items of an array by one or more fields",
    config=SortConfig,
    output=SortOutput,
    kind="transform",
    icon="arrow-down-up",
    example={"items": "{{ input.deals }}", "by": [{"field": "amount", "order": "desc"}], "limit": 10},
)
