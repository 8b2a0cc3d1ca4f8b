"""Route compiled flows' Lambda tasks (`deca-node-<type>`) to in-process node logic.

Node outputs can also be pinned per node id ("mocks"), which is how a flow is dry-run without reaching
outside services.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from deca.errors import DecaError
from deca.nodes.context import NodeContext
from deca.nodes.registry import NODE_TYPES
from deca.nodes.task import NodeTask
from statemachines.runtime import TaskRegistry

__all__ = ["NodeNotAvailable", "local_context", "node_task_registry"]


class NodeNotAvailable(DecaError):
    """The node type has no in-process logic yet and no pinned output was given for the node."""

    code = "node_not_available"


def local_context(workspace_id: str = "local") -> NodeContext:
    """A context for local runs: in-memory stores (DECA data too), the system clock, no secrets."""
    from deca.clock import SystemClock
    from deca.deca_data.stores import memory_deca_data
    from deca.nodes.payloads import PAYLOAD_STORE_SERVICE
    from deca.stores import memory_stores
    from deca.tasks.object_store import MemoryObjectStore

    clock = SystemClock()
    return NodeContext(
        workspace_id=workspace_id,
        stores=memory_stores(clock=clock),
        clock=clock,
        services={"deca_data": memory_deca_data(clock=clock), PAYLOAD_STORE_SERVICE: MemoryObjectStore()},
    )


def _dispatch(
    node_type: str, mocks: Mapping[str, Any], context: Callable[[NodeTask], NodeContext]
) -> Callable[[dict[str, Any]], Any]:
    def handler(event: dict[str, Any]) -> Any:
        from deca.nodes.handlers import node_logic, run_node

        task = NodeTask.model_validate(event)
        if task.node_id in mocks:
            return mocks[task.node_id]
        if node_logic(node_type) is None:
            raise NodeNotAvailable(
                f"node '{task.node_id}': type '{node_type}' has no local handler yet; "
                f"pin its output with --mock {task.node_id}=JSON"
            )
        return run_node(task, context(task))

    return handler


def node_task_registry(
    mocks: Mapping[str, Any] | None = None,
    *,
    context: NodeContext | Callable[[NodeTask], NodeContext] | None = None,
    prefix: str = "deca-node-",
) -> TaskRegistry:
    """A TaskRegistry with one Lambda per node type (`<prefix><type>`) running node logic in-process."""
    if context is None:
        shared = local_context()
        factory: Callable[[NodeTask], NodeContext] = lambda _task: shared  # noqa: E731
    elif isinstance(context, NodeContext):
        fixed = context
        factory = lambda _task: fixed  # noqa: E731
    else:
        factory = context
    registry = TaskRegistry()
    pinned = dict(mocks or {})
    for node_type in NODE_TYPES:
        registry.register_lambda(f"{prefix}{node_type}", _dispatch(node_type, pinned, factory))
    return registry
