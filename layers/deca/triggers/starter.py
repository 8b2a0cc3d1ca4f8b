"""How triggers start executions: the `FlowStarter` port and its adapters.

Every trigger turns into a `StartRequest` whose `name` makes the start idempotent (the scheduled
time, the event id, the webhook's message id). `BusFlowStarter` publishes a `flow.execute`
message (its `execution_id` is the name, so the bus de-duplicates repeats);
`deca.engines.starter.EngineFlowStarter` starts the published version on an execution engine (on AWS
the Step Functions engine, which owns the state machine names), the same name being the same execution.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Callable, Coroutine
from typing import Any, Literal, Protocol

from pydantic import BaseModel, ConfigDict, JsonValue

from deca.bus.base import MessageBus
from deca.bus.messages import ExecutionContext, FlowExecute
from deca.triggers.event_dispatcher import EventStart
from deca.triggers.schedules import ScheduledRun, bounded_name
from deca.triggers.webhook_receiver import StartedExecution, WebhookStart

__all__ = [
    "BusFlowStarter",
    "FlowStarter",
    "StartRequest",
    "from_event",
    "from_flow_execute",
    "from_schedule",
    "from_webhook",
]


class StartRequest(BaseModel):
    """Start one execution of a flow's published version."""

    model_config = ConfigDict(extra="forbid")

    workspace_id: str
    flow_id: str
    name: str
    input: dict[str, JsonValue]
    trigger: Literal["webhook", "schedule", "event", "manual"]
    wait_seconds: int = 0


class FlowStarter(Protocol):
    """Starts executions, idempotently by `StartRequest.name`."""

    def start(self, request: StartRequest) -> StartedExecution:
        """Start (or find) the named execution; with `wait_seconds`, wait up to that long for its end."""
        ...


def from_webhook(start: WebhookStart) -> StartRequest:
    """The start request of a webhook call (named from its idempotency key, else a fresh id)."""
    key = uuid.uuid5(uuid.NAMESPACE_URL, start.idempotency_key) if start.idempotency_key else uuid.uuid4()
    # Not validated again: every field comes from the validated `start` (its input can be large, and the
    # engine validates it once more into the execution record).
    return StartRequest.model_construct(
        workspace_id=start.workspace_id,
        flow_id=start.flow_id,
        name=bounded_name(start.flow_id, f"-{start.trigger_index}-wh-{key.hex}"),
        input=start.input,
        trigger="webhook",
        wait_seconds=start.timeout_seconds if start.response_mode == "sync" else 0,
    )


def from_schedule(run: ScheduledRun) -> StartRequest:
    """The start request of a scheduled run."""
    return StartRequest(
        workspace_id=run.workspace_id,
        flow_id=run.flow_id,
        name=run.execution_name,
        input=run.input,
        trigger="schedule",
    )


def from_event(start: EventStart) -> StartRequest:
    """The start request of a matched event."""
    return StartRequest(
        workspace_id=start.workspace_id,
        flow_id=start.flow_id,
        name=start.execution_name,
        input=start.input,
        trigger="event",
    )


def from_flow_execute(message: FlowExecute) -> StartRequest:
    """The start request of a `flow.execute` message (its execution id is the name)."""
    return StartRequest(
        workspace_id=message.context.workspace_id,
        flow_id=message.flow_id,
        name=message.execution_id,
        input=message.trigger_data,
        trigger="manual",
    )


class BusFlowStarter:
    """Starts executions by publishing `flow.execute` (never waits: sync webhooks answer 202)."""

    def __init__(self, bus: MessageBus, run: Callable[[Coroutine[Any, Any, Any]], Any] = asyncio.run) -> None:
        self._bus = bus
        self._run = run

    def start(self, request: StartRequest) -> StartedExecution:
        """Publish the message; the execution id is the request's name."""
        message = FlowExecute(
            flow_id=request.flow_id,
            execution_id=request.name,
            trigger_data=request.input,
            context=ExecutionContext(workspace_id=request.workspace_id),
        )
        self._run(self._bus.publish(message))
        return StartedExecution(execution_id=request.name, status="running")
