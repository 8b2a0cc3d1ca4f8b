"""The `MessageBus` port: subjects and streams, consumer settings, and how a delivery is settled.

A handler that returns acknowledges the message. A message that is not in the contract, or whose
handler raises `PoisonMessage`, is terminated (never redelivered) and dead-lettered. Any other
exception naks it with a delay from the consumer's backoff; after `max_deliver` deliveries the
message is dead-lettered. Delivery is at least once: handlers make their side effects idempotent
(e.g. keyed by `Delivery.msg_id`).
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Literal, Protocol

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from deca.bus.messages import Message, MessageType, parse_message
from deca.clock import utcnow
from deca.errors import DecaError
from deca.stores.models import UtcDatetime

__all__ = [
    "DEAD_LETTER_STREAM",
    "STREAMS",
    "ConsumerSettings",
    "DeadLetter",
    "Delivery",
    "Handler",
    "MessageBus",
    "Outcome",
    "PoisonMessage",
    "PublishResult",
    "settle",
    "stream_for",
    "subject_for",
]

logger = logging.getLogger(__name__)

SUBJECT_PREFIX = "deca"
STREAMS: dict[str, str] = {
    "DECA_FLOWS": "flow",
    "DECA_NODES": "node",
    "DECA_EVENTS": "event",
    "DECA_TASKS": "task",
}
"""Work streams by name → the first token of the message types they hold (`deca.<token>.>`)."""
DEAD_LETTER_STREAM = "DECA_DLQ"
DEAD_LETTER_SUBJECT = f"{SUBJECT_PREFIX}.dlq"


def subject_for(message_type: MessageType) -> str:
    """The subject a message type is published on: `deca.<type>`, e.g. `deca.flow.execute`."""
    return f"{SUBJECT_PREFIX}.{message_type}"


def stream_for(message_type: MessageType) -> str:
    """The work stream that stores a message type."""
    token = message_type.split(".", 1)[0]
    return next(name for name, prefix in STREAMS.items() if prefix == token)


class PoisonMessage(DecaError):
    """Raised by a handler for a message that can never succeed: terminated and dead-lettered at once."""

    code = "poison_message"


@dataclass(frozen=True)
class PublishResult:
    """Where a publish landed; `duplicate` when the message id was already stored (nothing new stored)."""

    stream: str
    seq: int
    duplicate: bool


@dataclass(frozen=True)
class Delivery:
    """One delivery of a message to a consumer."""

    subject: str
    msg_id: str | None
    attempt: int
    stream_seq: int


@dataclass(frozen=True)
class ConsumerSettings:
    """A durable consumer of one message type with explicit acks, redelivery backoff and `max_deliver`."""

    durable: str
    message_type: MessageType
    max_deliver: int = 5
    ack_wait: float = 30.0
    backoff: tuple[float, ...] = (1.0, 5.0, 30.0)

    def nak_delay(self, attempt: int) -> float:
        """The redelivery delay after failed delivery number `attempt` (1-based)."""
        return self.backoff[min(attempt, len(self.backoff)) - 1] if self.backoff else 0.0


Handler = Callable[[Message, Delivery], Awaitable[None]]
Outcome = Literal["ack", "nak", "term"]


class DeadLetter(BaseModel):
    """A message that was given up on, as stored in the dead-letter stream."""

    model_config = ConfigDict(extra="forbid")

    subject: str = Field(description="The subject it was published on")
    stream: str
    stream_seq: int
    consumer: str
    reason: Literal["max_deliveries", "terminated"]
    deliveries: int
    data: str = Field(description="The original message body")
    timestamp: UtcDatetime = Field(default_factory=utcnow)


async def settle(handler: Handler, data: bytes, delivery: Delivery) -> Outcome:
    """Run the handler on one delivery and decide how to settle it (the same rule for every adapter)."""
    try:
        message = parse_message(data)
    except ValidationError as exc:
        logger.warning(
            "invalid message terminated", extra={"subject": delivery.subject, "errors": exc.error_count()}
        )
        return "term"
    try:
        await handler(message, delivery)
    except PoisonMessage:
        logger.warning("poison message terminated", extra={"subject": delivery.subject})
        return "term"
    except Exception:  # any other failure is retried with backoff until max_deliver
        logger.exception(
            "message handler failed", extra={"subject": delivery.subject, "attempt": delivery.attempt}
        )
        return "nak"
    return "ack"


class MessageBus(Protocol):
    """Publishes contract messages and runs durable consumers over them."""

    async def setup(self) -> None:
        """Create (or update) the streams; idempotent."""
        ...

    async def publish(self, message: Message, *, msg_id: str | None = None) -> PublishResult:
        """Publish with de-duplication by `msg_id` (default: `message_id(message)`)."""
        ...

    async def consume(
        self, settings: ConsumerSettings, handler: Handler, *, batch: int = 10, timeout: float = 1.0
    ) -> int:
        """Fetch up to `batch` messages (waiting up to `timeout` s), handle and settle them; returns the count."""
        ...

    async def forward_dead_letters(self, *, batch: int = 100, timeout: float = 0.5) -> int:
        """Move given-up messages into the dead-letter stream; returns how many were moved."""
        ...

    async def dead_letters(self, *, limit: int = 100) -> list[DeadLetter]:
        """The dead-lettered messages, oldest first."""
        ...

    async def close(self) -> None:
        """Release connections."""
        ...
