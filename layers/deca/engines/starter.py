"""Triggers start executions through an engine: the `FlowStarter` adapter over any `ExecutionEngine`."""

from __future__ import annotations

from deca.engines.base import ExecutionEngine
from deca.errors import ConflictError
from deca.stores.base import FlowRepository
from deca.stores.models import Trigger
from deca.triggers.starter import StartRequest
from deca.triggers.webhook_receiver import StartedExecution

__all__ = ["EngineFlowStarter"]


class EngineFlowStarter:
    """Starts the published version of the requested flow on `engine` (idempotent by the request's name)."""

    def __init__(self, engine: ExecutionEngine, flows: FlowRepository) -> None:
        self._engine = engine
        self._flows = flows

    def start(self, request: StartRequest) -> StartedExecution:
        """Start (or find) the named execution; with `wait_seconds`, wait up to that long for its end."""
        record = self._flows.get(request.workspace_id, request.flow_id)
        if record.published_version is None:
            raise ConflictError("the flow is not published", resource="flow", resource_id=request.flow_id)
        execution_id = self._engine.start(
            request.workspace_id,
            request.flow_id,
            record.published_version,
            dict(request.input),
            name=request.name,
            trigger=Trigger(type=request.trigger, data={"name": request.name}),
        )
        if request.wait_seconds <= 0:
            return StartedExecution(execution_id=execution_id, status="running")
        execution = self._engine.wait(request.workspace_id, execution_id, request.wait_seconds)
        return StartedExecution(
            execution_id=execution_id,
            status=execution.status,
            output=execution.output,
            error=execution.error_details,
        )
