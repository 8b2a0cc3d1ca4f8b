"""`LocalFlowRunner`: the flow tool's in-process adapter — compile another flow of the workspace and run it.

Used by local runs (and as the default when the wiring gives no `flows` service). The sub-flow's node
tasks run with the same node context, so they see the same stores, secrets and services. Nesting is
bounded so a flow that calls itself through an agent stops with `ToolError`.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from deca.ai.errors import ToolError

if TYPE_CHECKING:
    from deca.nodes.context import NodeContext

__all__ = ["MAX_FLOW_DEPTH", "LocalFlowRunner"]

MAX_FLOW_DEPTH = 3
"""Flows an agent's flow tool may nest (a flow whose agent runs a flow whose agent runs a flow...)."""


@dataclass
class LocalFlowRunner:
    """Runs the published (else latest) version of a stored flow on the local runtime."""

    ctx: NodeContext
    _depth: threading.local = field(default_factory=threading.local, repr=False)

    def run_flow(self, workspace_id: str, flow_id: str, flow_input: dict[str, Any]) -> Any:
        """The sub-flow's output; `ToolError` when it fails or nests too deep."""
        from deca.local.node_tasks import node_task_registry
        from statemachines.compiler import compile_checked, validate_document
        from statemachines.runtime import Runtime, WallClock

        depth = getattr(self._depth, "value", 0)
        if depth >= MAX_FLOW_DEPTH:
            raise ToolError(f"flow '{flow_id}': flows nest deeper than {MAX_FLOW_DEPTH}", tool=flow_id)
        record = self.ctx.stores.flows.get(workspace_id, flow_id)
        number = record.published_version or record.latest_version
        version = self.ctx.stores.flows.get_version(workspace_id, flow_id, number)
        asl = compile_checked(validate_document(version.definition))
        runtime = Runtime(tasks=node_task_registry(context=self.ctx), clock=WallClock())
        self._depth.value = depth + 1
        try:
            result = runtime.start(asl, flow_input, state_machine_name=flow_id)
        finally:
            self._depth.value = depth
        if result.status != "SUCCEEDED":
            raise ToolError(
                f"flow '{flow_id}' ended {result.status}: {result.error}: {result.cause}", tool=flow_id
            )
        return result.output
