"""`noop`: does nothing; a placeholder or an explicit join point."""

from __future__ import annotations

from deca.nodes.base import NodeConfig, NodeOutput, NodeSpec

__all__ = ["SPEC", "NoopConfig", "NoopOutput"]


class NoopConfig(NodeConfig):
    """The noop node takes no config."""


class NoopOutput(NodeOutput):
    """A noop node outputs nothing."""


SPEC = NodeSpec(
    type="noop",
    category="core",
    description="Do nothing (a placeholder, or a join point for parallel branches)",
    config=NoopConfig,
    output=NoopOutput,
    kind="noop",
    icon="circle-dashed",
)
