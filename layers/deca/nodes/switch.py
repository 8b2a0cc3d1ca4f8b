"""`switch`: picks the first case whose condition is true; out-edges are labelled with case names."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, model_validator

from deca.nodes.base import NodeConfig, NodeOutput, NodeSpec

__all__ = ["SPEC", "SwitchCase", "SwitchConfig", "SwitchOutput"]


class SwitchCase(BaseModel):
    """One case of a switch: the out-edge labelled `name` is taken when `condition` is true."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9 _.-]{0,63}$", description="Case name (an edge label)")
    condition: str = Field(min_length=1, description="Boolean template, e.g. `{{ input.tier = 'gold' }}`")


class SwitchConfig(NodeConfig):
    """Config of the switch node."""

    cases: list[SwitchCase] = Field(min_length=1, max_length=100, description="Tested in order")

    @model_validator(mode="after")
    def _unique_case_names(self) -> SwitchConfig:
        seen: set[str] = set()
        for index, case in enumerate(self.cases):
            if case.name == "default":
                raise ValueError(f"cases[{index}].name: 'default' is reserved for the fallback edge")
            if case.name in seen:
                raise ValueError(f"cases[{index}].name: duplicate case name '{case.name}'")
            seen.add(case.name)
        return self


class SwitchOutput(NodeOutput):
    """What a switch node records."""

    case: str = Field(description="The name of the case taken, or 'default'")


SPEC = NodeSpec(
    type="switch",
    category="core",
    description="Route to the first case whose condition is true, else to the 'default' edge",
    config=SwitchConfig,
    output=SwitchOutput,
    kind="switch",
    icon="list-tree",
    example={
        "cases": [
            {"name": "urgent", "condition": "{{ input.priority = 'urgent' }}"},
            {"name": "normal", "condition": "{{ input.priority = 'normal' }}"},
        ]
    },
)
