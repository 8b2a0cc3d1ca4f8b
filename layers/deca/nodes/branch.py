"""`branch`: routes by the conditions on its outgoing connections (first true one wins)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from deca.nodes.base import NodeConfig, NodeOutput, NodeSpec

__all__ = ["SPEC", "BranchConfig", "BranchOutput"]


class BranchConfig(NodeConfig):
    """Config of the branch node: the routes are its out-edges' `condition`s, tested in order."""

    when_no_match: Literal["default", "fail"] = Field(
        default="default",
        description="With no true condition: take the unconditional out-edges (default) or fail the "
        "flow with NoBranchMatched",
    )


class BranchOutput(NodeOutput):
    """A branch node records nothing: its effect is the path taken."""


SPEC = NodeSpec(
    type="branch",
    category="core",
    description="Route to the first outgoing connection whose condition is true",
    config=BranchConfig,
    output=BranchOutput,
    kind="switch",
    icon="split",
    errors=("NoBranchMatched",),
)
