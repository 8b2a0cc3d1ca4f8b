"""Execution status on the bus: status changes become `flow.state` / `flow.complete`; `flow.execute` starts runs.

On AWS the changes arrive as EventBridge "Step Functions Execution Status Change" events; locally
the engine reports them as `ExecutionStatusChange`s directly. Either way each change is one
`flow.state` message, and a terminal one also a `flow.complete`, with stable message ids, so a
repeated notification is stored once.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, cast

from pydantic import BaseModel, ConfigDict, Field, JsonValue

from deca.bus.base import Delivery, Handler, MessageBus, PoisonMessage
from deca.bus.messages import ExecutionStatus, FlowComplete, FlowExecute, FlowState, Message, TerminalStatus
from deca.clock import utcnow
from deca.errors import InputError, NotFoundError
from deca.stores.models import UtcDatetime

__all__ = [
    "ExecutionStatusChange",
    "flow_execute_handler",
    "flow_of_state_machine",
    "from_stepfunctions_event",
    "publish_status",
    "status_messages",
]

_SFN_STATUS: dict[str, ExecutionStatus] = {
    "RUNNING": "running",
    "PENDING_REDRIVE": "running",
    "SUCCEEDED": "succeeded",
    "FAILED": "failed",
    "TIMED_OUT": "timed_out",
    "ABORTED": "cancelled",
}
_TERMINAL = {"succeeded", "failed", "timed_out", "cancelled"}


class ExecutionStatusChange(BaseModel):
    """An execution's new status, as the local engine reports it (and as AWS events are read into)."""

    model_config = ConfigDict(extra="forbid")

    workspace_id: str
    flow_id: str
    execution_id: str
    status: ExecutionStatus
    output: JsonValue = None
    error: dict[str, JsonValue] | None = None
    duration_ms: int | None = Field(default=None, ge=0)
    timestamp: UtcDatetime = Field(default_factory=utcnow)


def flow_of_state_machine(state_machine_arn: str) -> tuple[str, str]:
    """`(workspace_id, flow_id)` from a state machine named `<workspace>--<flow>[--v<n>]`.

    Raises:
        InputError: for a state machine not named that way (not a DECA flow).
    """
    name = state_machine_arn.rsplit(":", 1)[-1]
    parts = name.split("--")
    if len(parts) == 3 and parts[2].startswith("v"):
        parts = parts[:2]
    if len(parts) != 2 or not all(parts):
        raise InputError(f"state machine {name!r} is not named <workspace>--<flow>[--v<n>]")
    return parts[0], parts[1]


def _millis(value: object) -> datetime | None:
    return datetime.fromtimestamp(value / 1000, UTC) if isinstance(value, int | float) else None


def from_stepfunctions_event(
    event: dict[str, Any], resolve: Callable[[str], tuple[str, str]] = flow_of_state_machine
) -> ExecutionStatusChange:
    """Read an EventBridge "Step Functions Execution Status Change" event; the execution name is its id."""
    detail = event["detail"]
    workspace_id, flow_id = resolve(detail["stateMachineArn"])
    status = _SFN_STATUS[detail["status"]]
    started, stopped = _millis(detail.get("startDate")), _millis(detail.get("stopDate"))
    output = detail.get("output")
    error = None
    if status in ("failed", "timed_out", "cancelled") and (detail.get("error") or detail.get("cause")):
        error = {"error": detail.get("error"), "cause": detail.get("cause")}
    return ExecutionStatusChange(
        workspace_id=workspace_id,
        flow_id=flow_id,
        execution_id=detail["name"],
        status=status,
        output=json.loads(output) if isinstance(output, str) else None,
        error=error,
        duration_ms=int((stopped - started).total_seconds() * 1000) if started and stopped else None,
        timestamp=stopped or started or utcnow(),
    )


def status_messages(change: ExecutionStatusChange) -> list[Message]:
    """The `flow.state` message of a change, plus `flow.complete` when the execution ended.

    The messages are built from the change's fields without validating them again (the change is a
    validated model, or built from a validated execution record)."""
    messages: list[Message] = [
        FlowState.model_construct(
            flow_id=change.flow_id,
            execution_id=change.execution_id,
            workspace_id=change.workspace_id,
            status=change.status,
            timestamp=change.timestamp,
        )
    ]
    if change.status in _TERMINAL:
        messages.append(
            FlowComplete.model_construct(
                flow_id=change.flow_id,
                execution_id=change.execution_id,
                workspace_id=change.workspace_id,
                status=cast(TerminalStatus, change.status),
                output=change.output,
                error=change.error,
                duration_ms=change.duration_ms,
                timestamp=change.timestamp,
            )
        )
    return messages


async def publish_status(bus: MessageBus, change: ExecutionStatusChange) -> list[Message]:
    """Publish a change's messages (de-duplicated by their ids); returns them."""
    messages = status_messages(change)
    for message in messages:
        await bus.publish(message)
    return messages


def flow_execute_handler(start: Callable[[FlowExecute], object]) -> Handler:
    """A consumer handler that starts the execution a `flow.execute` asks for.

    `start` must be idempotent by `execution_id` (redeliveries happen). A flow that does not exist
    or input the flow rejects can never succeed: the message is terminated (dead-lettered).
    """

    async def handle(message: Message, delivery: Delivery) -> None:
        if not isinstance(message, FlowExecute):
            raise PoisonMessage(f"expected flow.execute, got {message.type}")
        try:
            start(message)
        except (NotFoundError, InputError) as exc:
            raise PoisonMessage(exc.message) from exc

    return handle
