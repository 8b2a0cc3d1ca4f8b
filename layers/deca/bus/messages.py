"""The message contract on the bus: one pydantic model per message type, discriminated by `type`.

`flow.execute`, `node.execute` and `event.occurred` have exactly the architecture document's
shapes; `flow.state`, `flow.complete`, `node.result`, `task.execute` and `task.result` complete
the contract in the same style. Every model forbids unknown keys, so a message either is one of
these shapes or is rejected (and ends in the dead-letter stream).
"""

from __future__ import annotations

import hashlib
import json
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, JsonValue, TypeAdapter

from deca.clock import utcnow
from deca.stores.models import UtcDatetime

__all__ = [
    "EventOccurred",
    "ExecutionContext",
    "FlowComplete",
    "FlowExecute",
    "FlowState",
    "Message",
    "MessageType",
    "NodeExecute",
    "NodeResultMessage",
    "TaskExecute",
    "TaskResult",
    "message_id",
    "parse_message",
]

MessageType = Literal[
    "flow.execute",
    "flow.state",
    "flow.complete",
    "node.execute",
    "node.result",
    "event.occurred",
    "task.execute",
    "task.result",
]
ExecutionStatus = Literal["running", "succeeded", "failed", "cancelled", "timed_out", "waiting"]
TerminalStatus = Literal["succeeded", "failed", "cancelled", "timed_out"]
TaskType = Literal["retention_cleanup", "export_executions", "report", "maintenance"]


class _Message(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ExecutionContext(_Message):
    """Who started a flow, and in which workspace."""

    user_id: str | None = Field(default=None, description="The user who started it (None for triggers)")
    workspace_id: str = Field(min_length=1)


class FlowExecute(_Message):
    """Start an execution of a flow (its published version)."""

    type: Literal["flow.execute"] = "flow.execute"
    flow_id: str = Field(min_length=1)
    execution_id: str = Field(min_length=1, description="Chosen by the sender: starting it twice is one run")
    trigger_data: dict[str, JsonValue] = Field(default_factory=dict, description="The flow's input")
    context: ExecutionContext


class FlowState(_Message):
    """An execution changed status."""

    type: Literal["flow.state"] = "flow.state"
    flow_id: str = Field(min_length=1)
    execution_id: str = Field(min_length=1)
    workspace_id: str = Field(min_length=1)
    status: ExecutionStatus
    timestamp: UtcDatetime = Field(default_factory=utcnow)


class FlowComplete(_Message):
    """An execution ended."""

    type: Literal["flow.complete"] = "flow.complete"
    flow_id: str = Field(min_length=1)
    execution_id: str = Field(min_length=1)
    workspace_id: str = Field(min_length=1)
    status: TerminalStatus
    output: JsonValue = None
    error: dict[str, JsonValue] | None = Field(default=None, description="`{error, cause}` when it failed")
    duration_ms: int | None = Field(default=None, ge=0)
    timestamp: UtcDatetime = Field(default_factory=utcnow)


class NodeExecute(_Message):
    """Run one node of an execution."""

    type: Literal["node.execute"] = "node.execute"
    execution_id: str = Field(min_length=1)
    node_id: str = Field(min_length=1)
    node_type: str = Field(min_length=1)
    input_data: dict[str, JsonValue] = Field(default_factory=dict)
    context: dict[str, JsonValue] = Field(default_factory=dict)


class NodeResultMessage(_Message):
    """A node of an execution finished one attempt."""

    type: Literal["node.result"] = "node.result"
    execution_id: str = Field(min_length=1)
    node_id: str = Field(min_length=1)
    node_type: str = Field(min_length=1)
    attempt: int = Field(default=1, ge=1)
    status: Literal["succeeded", "failed", "skipped", "cancelled", "timed_out"]
    output_data: JsonValue = None
    error: dict[str, JsonValue] | None = None
    duration_ms: int | None = Field(default=None, ge=0)
    timestamp: UtcDatetime = Field(default_factory=utcnow)


class EventOccurred(_Message):
    """A custom or system event."""

    type: Literal["event.occurred"] = "event.occurred"
    event_type: str = Field(min_length=1)
    source: str = Field(min_length=1)
    data: dict[str, JsonValue] = Field(default_factory=dict)
    timestamp: UtcDatetime = Field(default_factory=utcnow)


class TaskExecute(_Message):
    """Run one background task."""

    type: Literal["task.execute"] = "task.execute"
    task_id: str = Field(min_length=1, description="Chosen by the sender: one task runs once")
    task_type: TaskType
    workspace_id: str = Field(min_length=1)
    params: dict[str, JsonValue] = Field(default_factory=dict)
    timestamp: UtcDatetime = Field(default_factory=utcnow)


class TaskResult(_Message):
    """A background task ended."""

    type: Literal["task.result"] = "task.result"
    task_id: str = Field(min_length=1)
    task_type: TaskType
    workspace_id: str = Field(min_length=1)
    status: Literal["succeeded", "failed"]
    result: dict[str, JsonValue] = Field(default_factory=dict)
    error: str | None = None
    timestamp: UtcDatetime = Field(default_factory=utcnow)


Message = Annotated[
    FlowExecute
    | FlowState
    | FlowComplete
    | NodeExecute
    | NodeResultMessage
    | EventOccurred
    | TaskExecute
    | TaskResult,
    Field(discriminator="type"),
]
_MESSAGE: TypeAdapter[Message] = TypeAdapter(Message)


def parse_message(data: bytes | str) -> Message:
    """Parse a message's JSON; raises `pydantic.ValidationError` for anything not in the contract."""
    return _MESSAGE.validate_json(data)


def message_id(message: Message) -> str:
    """The de-duplication id (`Nats-Msg-Id`): the same logical message always gets the same id."""
    if isinstance(message, FlowExecute | FlowComplete):
        return f"{message.type}:{message.execution_id}"
    if isinstance(message, FlowState):
        return f"{message.type}:{message.execution_id}:{message.status}"
    if isinstance(message, NodeExecute):
        return f"{message.type}:{message.execution_id}:{message.node_id}"
    if isinstance(message, NodeResultMessage):
        return f"{message.type}:{message.execution_id}:{message.node_id}:{message.attempt}"
    if isinstance(message, TaskExecute | TaskResult):
        return f"{message.type}:{message.task_id}"
    body = json.dumps(message.model_dump(mode="json"), sort_keys=True, separators=(",", ":"))
    return f"{message.type}:{hashlib.sha256(body.encode()).hexdigest()}"
