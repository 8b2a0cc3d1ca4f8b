"""The message bus: the contract's message models, the `MessageBus` port, JetStream and in-memory adapters.

See docs/messaging.md.
"""

from __future__ import annotations

from deca.bus.base import (
    DEAD_LETTER_STREAM,
    STREAMS,
    ConsumerSettings,
    DeadLetter,
    Delivery,
    Handler,
    MessageBus,
    PoisonMessage,
    PublishResult,
    stream_for,
    subject_for,
)
from deca.bus.memory import InMemoryBus
from deca.bus.messages import (
    EventOccurred,
    ExecutionContext,
    FlowComplete,
    FlowExecute,
    FlowState,
    Message,
    MessageType,
    NodeExecute,
    NodeResultMessage,
    TaskExecute,
    TaskResult,
    message_id,
    parse_message,
)
from deca.bus.nats_jetstream import NatsJetStreamBus
from deca.bus.status_bridge import (
    ExecutionStatusChange,
    flow_execute_handler,
    from_stepfunctions_event,
    publish_status,
    status_messages,
)

__all__ = [
    "DEAD_LETTER_STREAM",
    "STREAMS",
    "ConsumerSettings",
    "DeadLetter",
    "Delivery",
    "EventOccurred",
    "ExecutionContext",
    "ExecutionStatusChange",
    "FlowComplete",
    "FlowExecute",
    "FlowState",
    "Handler",
    "InMemoryBus",
    "Message",
    "MessageBus",
    "MessageType",
    "NatsJetStreamBus",
    "NodeExecute",
    "NodeResultMessage",
    "PoisonMessage",
    "PublishResult",
    "TaskExecute",
    "TaskResult",
    "flow_execute_handler",
    "from_stepfunctions_event",
    "message_id",
    "parse_message",
    "publish_status",
    "status_messages",
    "stream_for",
    "subject_for",
]
