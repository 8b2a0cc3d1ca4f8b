"""The task registry of the local engine: node logic in-process, paused steps answered through the API."""

from __future__ import annotations

from typing import Any

from deca.local.node_tasks import node_task_registry
from deca.nodes.context import NodeContext
from deca.nodes.registry import NODE_TYPES
from statemachines.runtime import TaskRegistry

__all__ = ["HUMAN_TASKS", "local_task_registry"]

HUMAN_TASKS = "human_tasks"
"""The node context service that opens approval and form requests (when wired, its logic runs)."""


def _callback_handler(event: dict[str, Any]) -> None:
    """A paused step's Lambda without a human task service: nothing to do (the token is in the node's input)."""
    return None


def local_task_registry(context: NodeContext) -> TaskRegistry:
    """Every node type's Lambda runs in-process with `context`; callback types just pause without a
    human task service (the execution routes answer them with the task token)."""
    registry = node_task_registry(context=context)
    if HUMAN_TASKS not in context.services:
        for node_type, spec in NODE_TYPES.items():
            if spec.kind == "callback":
                registry.register_lambda(f"deca-node-{node_type}", _callback_handler)
    return registry
