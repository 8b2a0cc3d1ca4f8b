"""Which node types need a Lambda: those whose ASL emitter produces a `lambda:invoke` Task."""

from __future__ import annotations

from deca.nodes.registry import NODE_TYPES
from statemachines.compiler.emitters import EMITTERS, TYPE_EMITTERS, emit_callback, emit_task

__all__ = ["lambda_node_types"]

_LAMBDA_EMITTERS = (emit_task, emit_callback)


def lambda_node_types() -> list[str]:
    """Sorted node types compiled to a Task on `deca-<env>-node-<type>` (task and callback kinds)."""
    return sorted(
        node_type
        for node_type, spec in NODE_TYPES.items()
        if (TYPE_EMITTERS.get(node_type) or EMITTERS.get(spec.kind)) in _LAMBDA_EMITTERS
    )
