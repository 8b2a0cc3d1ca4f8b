"""Find a node type's logic: `run(config, task, ctx)` in `deca.nodes.<type>`, wrapped for task events.

A node module that defines `run` is executable; the wrapper parses the config with the type's model
(a bad config fails with a named error naming the field) and dumps the output model to JSON.
"""

from __future__ import annotations

import dataclasses
import importlib
from collections.abc import Callable
from typing import Any

from pydantic import BaseModel, ValidationError

from deca.errors import DecaError
from deca.nodes.context import NodeContext
from deca.nodes.payloads import PAYLOAD_STORE_SERVICE, offload_large_output, resolve_refs
from deca.nodes.registry import NODE_TYPES
from deca.nodes.secret_use import NodeSecrets
from deca.nodes.task import NodeTask

__all__ = ["InvalidNodeConfig", "NodeLogic", "executable_types", "node_logic", "run_node"]

NodeLogic = Callable[[Any, NodeTask, NodeContext], Any]


class InvalidNodeConfig(DecaError):
    """A node's config (after templates were resolved) does not fit its model; the message names the field."""

    code = "invalid_node_config"


def node_logic(node_type: str) -> NodeLogic | None:
    """The `run` function of a node type, or None when it has no in-process logic (yet)."""
    if node_type not in NODE_TYPES:
        return None
    module = importlib.import_module(f"deca.nodes.{node_type}")
    logic = getattr(module, "run", None)
    return logic if callable(logic) else None


def executable_types() -> list[str]:
    """Node types that have in-process logic."""
    return [t for t in NODE_TYPES if node_logic(t) is not None]


def _field_errors(exc: ValidationError) -> str:
    parts = []
    for err in exc.errors():
        path = ".".join(str(p) for p in err["loc"])
        parts.append(f"config.{path}: {err['msg']}" if path else f"config: {err['msg']}")
    return "; ".join(parts)


def run_node(task: NodeTask, ctx: NodeContext) -> Any:
    """Run one node task in-process and return its JSON output; errors propagate as named exceptions."""
    spec = NODE_TYPES.get(task.node_type)
    logic = node_logic(task.node_type)
    if spec is None or logic is None:
        from deca.local.node_tasks import NodeNotAvailable

        raise NodeNotAvailable(f"node type '{task.node_type}' has no in-process logic")
    store = ctx.services.get(PAYLOAD_STORE_SERVICE)
    if store is not None:  # large upstream outputs arrive by reference: bring them back whole
        task = task.model_copy(
            update={
                "config": resolve_refs(task.config, task.workspace_id, store),
                "input": resolve_refs(task.input, task.workspace_id, store),
            }
        )
    try:
        config = spec.config.model_validate(task.config)
    except ValidationError as exc:
        raise InvalidNodeConfig(f"node '{task.node_id}': {_field_errors(exc)}") from None
    # Credentials the node uses are audited, and their values never leave the node in what it returns.
    secrets = NodeSecrets(ctx.secrets, task, ctx.stores.audit, ctx.clock)
    try:
        output = logic(config, task, dataclasses.replace(ctx, secrets=secrets))
    except Exception as exc:
        secrets.redact_error(exc)
        raise
    result = output.model_dump(mode="json", by_alias=True) if isinstance(output, BaseModel) else output
    result = secrets.redact(result)
    if store is not None:  # over the payload limit: by reference, never truncated
        result = offload_large_output(result, task, store)
    return result
