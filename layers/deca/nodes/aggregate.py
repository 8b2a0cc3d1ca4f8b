"""`aggregate`: computes counts, sums, averages... over an array, optionally per group."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from deca.nodes.base import NodeConfig, NodeOutput, NodeSpec
from deca.nodes.common import TemplateStr, VariableName

__all__ = ["SPEC", "AggregateConfig", "AggregateOutput", "Aggregation"]

_PATH = r"^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$"


class Aggregation(BaseModel):
    """One aggregate: `function` over `field` of each item, stored under `name`."""

    model_config = ConfigDict(extra="forbid")

    name: VariableName = Field(description="Key of the result")
    function: Literal["count", "sum", "average", "min", "max", "first", "last", "collect", "distinct"] = (
        Field(
            description="count: items; sum/average/min/max: numbers; first/last: a value; collect: all values; distinct: unique values"
        )
    )
    field: str | None = Field(
        default=None, pattern=_PATH, description="Dotted path inside each item (not used by count)"
    )

    @model_validator(mode="after")
    def _field_matches_function(self) -> Aggregation:
        if self.function != "count" and self.field is None:
            raise ValueError(f"field is required for function '{self.function}'")
        return self


class AggregateConfig(NodeConfig):
    """Config of the aggregate node."""

    items: TemplateStr | list[Any] = Field(description="The array to aggregate: a template or a literal list")
    aggregations: list[Aggregation] = Field(
        description="What to compute, one result key per aggregation", min_length=1, max_length=50
    )
    group_by: str | None = Field(
        default=None, pattern=_PATH, description="Dotted path to group by; unset: one group of everything"
    )

    @model_validator(mode="after")
    def _unique_names(self) -> AggregateConfig:
        names = [a.name for a in self.aggregations]
        duplicates = sorted({n for n in names if names.count(n) > 1})
        if duplicates:
            raise ValueError(f"aggregations: duplicate name(s) {', '.join(duplicates)}")
        return self


class AggregateOutput(NodeOutput):
    """What an aggregate node returns."""

    result: dict[str, Any] = Field(
        default_factory=dict, description="Aggregation name -> value over all items (no group_by)"
    )
    groups: list[dict[str, Any]] = Field(
        default_factory=list, description="One object per group: `key` and each aggregation name (group_by)"
    )
    count: int = Field(default=0, ge=0, description="Number of input items")


SPEC = NodeSpec(
    type="aggregate",
    category="core",
    description="Count, sum, average, min/max or collect values over an array, optionally per group",
    config=AggregateConfig,
    output=AggregateOutput,
    kind="transform",
    icon="sigma",
    example={
        "items": "{{ input.orders }}",
        "group_by": "region",
        "aggregations": [
            {"name": "revenue", "function": "sum", "field": "amount"},
            {"name": "orders", "function": "count"},
        ],
    },
)
