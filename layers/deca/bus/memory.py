"""An in-process `MessageBus` for local runs and tests: the same settle rules as JetStream, no server.

Messages are kept per stream with sequence numbers, the newest `max_messages` of each (like a JetStream
stream with a message limit: the oldest are discarded); a message id seen within the duplicate window
is not stored again (looked up by id, not by scanning the stream). Each durable consumer remembers its acked position and the redeliveries it
owes (with their not-before time on the injected clock); after `max_deliver` or a term the message
goes to the dead letters directly (there are no advisories to forward).
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from deca.bus.base import (
    STREAMS,
    ConsumerSettings,
    DeadLetter,
    Delivery,
    Handler,
    PublishResult,
    settle,
    stream_for,
    subject_for,
)
from deca.bus.messages import Message, message_id
from deca.clock import Clock, SystemClock

__all__ = ["InMemoryBus"]


@dataclass
class _Stored:
    seq: int
    subject: str
    msg_id: str
    data: bytes
    stored_at: datetime


@dataclass
class _Consumer:
    settings: ConsumerSettings
    next_index: int = 0
    deliveries: dict[int, int] = field(default_factory=dict)
    retry_at: dict[int, datetime] = field(default_factory=dict)


class InMemoryBus:
    """A `MessageBus` in memory; time (dedupe window, nak delays) follows the injected clock."""

    def __init__(
        self, clock: Clock | None = None, *, duplicate_window: float = 120.0, max_messages: int = 10_000
    ) -> None:
        self._clock = clock or SystemClock()
        self._window = timedelta(seconds=duplicate_window)
        self._max_messages = max_messages
        self._streams: dict[str, list[_Stored]] = {name: [] for name in STREAMS}
        self._last_seq: dict[str, int] = dict.fromkeys(STREAMS, 0)
        self._ids: dict[str, dict[str, _Stored]] = {name: {} for name in STREAMS}  # msg id -> its message
        self._consumers: dict[str, _Consumer] = {}
        self._dead: list[DeadLetter] = []
        self._lock = asyncio.Lock()

    async def setup(self) -> None:
        """Nothing to create in memory."""

    async def publish(self, message: Message, *, msg_id: str | None = None) -> PublishResult:
        """Store the message unless its id was stored within the duplicate window."""
        stream_name = stream_for(message.type)
        stream = self._streams[stream_name]
        key = msg_id or message_id(message)
        now = self._clock.now()
        ids = self._ids[stream_name]
        seen = ids.get(key)
        if seen is not None and now - seen.stored_at <= self._window:
            return PublishResult(stream=stream_name, seq=seen.seq, duplicate=True)
        seq = self._last_seq[stream_name] = self._last_seq[stream_name] + 1
        stored = _Stored(seq, subject_for(message.type), key, message.model_dump_json().encode(), now)
        stream.append(stored)
        ids[key] = stored
        if len(stream) > self._max_messages:
            self._discard_oldest(stream_name, len(stream) - self._max_messages)
        return PublishResult(stream=stream_name, seq=seq, duplicate=False)

    def _discard_oldest(self, stream_name: str, count: int) -> None:
        """Drop the `count` oldest messages of a stream; consumers' positions move with the list."""
        stream, ids = self._streams[stream_name], self._ids[stream_name]
        for old in stream[:count]:
            if ids.get(old.msg_id) is old:
                del ids[old.msg_id]
        del stream[:count]
        for consumer in self._consumers.values():
            if stream_for(consumer.settings.message_type) == stream_name:
                consumer.next_index = max(consumer.next_index - count, 0)

    def _ready(self, consumer: _Consumer, batch: int) -> list[_Stored]:
        stream = self._streams[stream_for(consumer.settings.message_type)]
        subject = subject_for(consumer.settings.message_type)
        now = self._clock.now()
        owed = [s for s in stream if s.seq in consumer.retry_at and consumer.retry_at[s.seq] <= now]
        fresh = [s for s in stream[consumer.next_index :] if s.subject == subject]
        consumer.next_index = len(stream)
        for stored in fresh:
            consumer.retry_at[stored.seq] = now
        return (owed + fresh)[:batch]

    async def consume(
        self, settings: ConsumerSettings, handler: Handler, *, batch: int = 10, timeout: float = 1.0
    ) -> int:
        """Handle up to `batch` ready messages (returns at once: nothing waits in memory)."""
        async with self._lock:
            consumer = self._consumers.setdefault(settings.durable, _Consumer(settings))
            ready = self._ready(consumer, batch)
        for stored in ready:
            attempt = consumer.deliveries.get(stored.seq, 0) + 1
            consumer.deliveries[stored.seq] = attempt
            delivery = Delivery(stored.subject, stored.msg_id, attempt, stored.seq)
            outcome = await settle(handler, stored.data, delivery)
            if outcome == "ack":
                consumer.retry_at.pop(stored.seq, None)
            elif outcome == "term" or attempt >= settings.max_deliver:
                consumer.retry_at.pop(stored.seq, None)
                self._dead.append(
                    DeadLetter(
                        subject=stored.subject,
                        stream=stream_for(settings.message_type),
                        stream_seq=stored.seq,
                        consumer=settings.durable,
                        reason="terminated" if outcome == "term" else "max_deliveries",
                        deliveries=attempt,
                        data=stored.data.decode(),
                    )
                )
            else:
                delay = timedelta(seconds=settings.nak_delay(attempt))
                consumer.retry_at[stored.seq] = self._clock.now() + delay
        return len(ready)

    async def forward_dead_letters(self, *, batch: int = 100, timeout: float = 0.5) -> int:
        """Dead letters are recorded directly in memory: nothing to forward."""
        return 0

    async def dead_letters(self, *, limit: int = 100) -> list[DeadLetter]:
        """The dead letters, oldest first."""
        return self._dead[:limit]

    async def close(self) -> None:
        """Nothing to release."""
