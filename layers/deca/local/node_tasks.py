"""Route compiled flows' Lambda tasks (`deca-node-<type>`) to in-process node handlers.

A node type's local handler takes the parsed `NodeTask` and returns the node output. Node outputs can also
be pinned per node id ("mocks"), which is how a flow is dry-run without reaching outside services.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from deca.errors import DecaError
from deca.nodes.registry import NODE_TYPES
from deca.nodes.task import NodeTask
from statemachines.runtime import TaskRegistry

__all__ = ["LOCAL_HANDLERS", "NodeHandler", "NodeNotAvailable", "node_task_registry"]

NodeHandler = Callable[[NodeTask], Any]

# node type -> in-process handler; node modules register here as their logic lands.
LOCAL_HANDLERS: dict[str, NodeHandler] = {}


class NodeNotAvailable(DecaError):
    """The node type has no in-process handler yet and no pinned output was given for the node."""

    code = "node_not_available"


def _dispatch(node_type: str, mocks: Mapping[str, Any]) -> Callable[[dict[str, Any]], Any]:
    def handler(event: dict[str, Any]) -> Any:
        task = NodeTask.model_validate(event)
        if task.node_id in mocks:
            return mocks[task.node_id]
        local = LOCAL_HANDLERS.get(node_type)
        if local is None:
            raise NodeNotAvailable(
                f"node '{task.node_id}': type '{node_type}' has no local handler yet; "
                f"pin its output with --mock {task.node_id}=JSON"
            )
        return local(task)

    return handler


def node_task_registry(mocks: Mapping[str, Any] | None = None, *, prefix: str = "deca-node-") -> TaskRegistry:
    """A TaskRegistry with one Lambda per node type (`<prefix><type>`) dispatching in-process."""
    registry = TaskRegistry()
    pinned = dict(mocks or {})
    for node_type in NODE_TYPES:
        registry.register_lambda(f"{prefix}{node_type}", _dispatch(node_type, pinned))
    return registry
