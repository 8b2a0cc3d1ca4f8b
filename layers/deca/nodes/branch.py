"""`branch`: routes by the conditions on its outgoing connections (first true one wins)."""

from __future__ import annotations

from deca.nodes.base import NodeConfig, NodeOutput, NodeSpec

__all__ = ["SPEC", "BranchConfig", "BranchOutput"]


class BranchConfig(NodeConfig):
    """The branch node takes no config: its routes are its out-edges' `condition`s, tested in order; with
    no true one it takes its unconditional out-edges, and without those the path ends."""


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
)
