"""The `MessageBus` on NATS JetStream (nats-py).

Streams: one per message family (`DECA_FLOWS` holds `deca.flow.>`, ...), file storage, a
de-duplication window for `Nats-Msg-Id`. Consumers are durable pull consumers with explicit
acks, `max_deliver` and nak-with-delay backoff. Give-ups are captured by JetStream itself: the
`DECA_ADVISORIES` stream stores the max-deliveries and terminated advisories of the work streams,
and `forward_dead_letters` copies each given-up message (fetched by its stream sequence) into
`DECA_DLQ` under `deca.dlq.<type>`, de-duplicated by origin, so no advisory is lost while the
forwarder is down.
"""

from __future__ import annotations

import json
import logging
from typing import Any

import nats
from nats.aio.client import Client
from nats.js import JetStreamContext
from nats.js.api import AckPolicy, ConsumerConfig, DeliverPolicy, StorageType, StreamConfig
from nats.js.errors import NotFoundError

from deca.bus.base import (
    DEAD_LETTER_STREAM,
    DEAD_LETTER_SUBJECT,
    STREAMS,
    SUBJECT_PREFIX,
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

__all__ = ["ADVISORY_STREAM", "NatsJetStreamBus"]

logger = logging.getLogger(__name__)

ADVISORY_STREAM = "DECA_ADVISORIES"
_ADVISORY_SUBJECTS = [
    f"$JS.EVENT.ADVISORY.CONSUMER.{kind}.{stream}.*"
    for kind in ("MAX_DELIVERIES", "MSG_TERMINATED")
    for stream in STREAMS
]
_FORWARDER = "deca-dlq-forwarder"
_ADVISORY_REASONS = {
    "io.nats.jetstream.advisory.v1.max_deliver": "max_deliveries",
    "io.nats.jetstream.advisory.v1.terminated": "terminated",
}


class NatsJetStreamBus:
    """A `MessageBus` over a connected nats-py client."""

    def __init__(
        self,
        client: Client,
        *,
        duplicate_window: float = 120.0,
        max_age: float = 7 * 24 * 3600.0,
    ) -> None:
        self._client = client
        self._js: JetStreamContext = client.jetstream()
        self._duplicate_window = duplicate_window
        self._max_age = max_age
        self._subscriptions: dict[str, JetStreamContext.PullSubscription] = {}

    @classmethod
    async def connect(cls, url: str, **kwargs: Any) -> NatsJetStreamBus:
        """Connect to `url` (e.g. `nats://127.0.0.1:4222`) and return the bus (streams not yet set up)."""
        client = await nats.connect(url, connect_timeout=5, max_reconnect_attempts=3)
        return cls(client, **kwargs)

    async def _ensure_stream(self, config: StreamConfig) -> None:
        try:
            await self._js.stream_info(str(config.name))
        except NotFoundError:
            await self._js.add_stream(config)
            return
        await self._js.update_stream(config)

    async def setup(self) -> None:
        """Create or update the work, advisory and dead-letter streams."""
        for name, token in STREAMS.items():
            await self._ensure_stream(
                StreamConfig(
                    name=name,
                    subjects=[f"{SUBJECT_PREFIX}.{token}.>"],
                    storage=StorageType.FILE,
                    duplicate_window=self._duplicate_window,
                    max_age=self._max_age,
                )
            )
        await self._ensure_stream(
            StreamConfig(name=ADVISORY_STREAM, subjects=_ADVISORY_SUBJECTS, storage=StorageType.FILE)
        )
        await self._ensure_stream(
            StreamConfig(
                name=DEAD_LETTER_STREAM,
                subjects=[f"{DEAD_LETTER_SUBJECT}.>"],
                storage=StorageType.FILE,
                duplicate_window=self._duplicate_window,
            )
        )

    async def publish(self, message: Message, *, msg_id: str | None = None) -> PublishResult:
        """Publish with `Nats-Msg-Id` de-duplication; `duplicate` tells a repeat within the window."""
        ack = await self._js.publish(
            subject_for(message.type),
            message.model_dump_json().encode(),
            headers={"Nats-Msg-Id": msg_id or message_id(message)},
        )
        return PublishResult(stream=ack.stream, seq=ack.seq, duplicate=bool(ack.duplicate))

    async def _subscription(self, settings: ConsumerSettings) -> JetStreamContext.PullSubscription:
        existing = self._subscriptions.get(settings.durable)
        if existing is not None:
            return existing
        config = ConsumerConfig(
            durable_name=settings.durable,
            ack_policy=AckPolicy.EXPLICIT,
            ack_wait=settings.ack_wait,
            max_deliver=settings.max_deliver,
            filter_subject=subject_for(settings.message_type),
            deliver_policy=DeliverPolicy.ALL,
        )
        subscription = await self._js.pull_subscribe(
            subject_for(settings.message_type),
            durable=settings.durable,
            stream=stream_for(settings.message_type),
            config=config,
        )
        self._subscriptions[settings.durable] = subscription
        return subscription

    async def consume(
        self, settings: ConsumerSettings, handler: Handler, *, batch: int = 10, timeout: float = 1.0
    ) -> int:
        """Fetch, handle and settle up to `batch` messages; 0 when none arrived within `timeout`."""
        subscription = await self._subscription(settings)
        try:
            messages = await subscription.fetch(batch, timeout=timeout)
        except TimeoutError:  # nats-py raises both its own and the plain asyncio timeout
            return 0
        for msg in messages:
            metadata = msg.metadata
            delivery = Delivery(
                subject=msg.subject,
                msg_id=(msg.headers or {}).get("Nats-Msg-Id"),
                attempt=metadata.num_delivered or 1,
                stream_seq=metadata.sequence.stream,
            )
            outcome = await settle(handler, msg.data, delivery)
            if outcome == "ack":
                await msg.ack()
            elif outcome == "term":
                await msg.term()
            else:
                await msg.nak(delay=settings.nak_delay(delivery.attempt))
        return len(messages)

    async def forward_dead_letters(self, *, batch: int = 100, timeout: float = 0.5) -> int:
        """Copy messages named by max-deliveries / terminated advisories into the dead-letter stream."""
        subscription = self._subscriptions.get(_FORWARDER)
        if subscription is None:
            subscription = await self._js.pull_subscribe(
                "$JS.EVENT.ADVISORY.CONSUMER.>",
                durable=_FORWARDER,
                stream=ADVISORY_STREAM,
                config=ConsumerConfig(durable_name=_FORWARDER, ack_policy=AckPolicy.EXPLICIT, ack_wait=30.0),
            )
            self._subscriptions[_FORWARDER] = subscription
        try:
            advisories = await subscription.fetch(batch, timeout=timeout)
        except TimeoutError:  # nats-py raises both its own and the plain asyncio timeout
            return 0
        for advisory in advisories:
            await self._dead_letter(json.loads(advisory.data))
            await advisory.ack()
        return len(advisories)

    async def _dead_letter(self, advisory: dict[str, Any]) -> None:
        stream, seq = advisory["stream"], int(advisory["stream_seq"])
        try:
            original = await self._js.get_msg(stream, seq)
        except NotFoundError:
            logger.warning("dead letter no longer in its stream", extra={"stream": stream, "seq": seq})
            return
        letter = DeadLetter(
            subject=str(original.subject),
            stream=stream,
            stream_seq=seq,
            consumer=advisory["consumer"],
            reason=_ADVISORY_REASONS.get(advisory.get("type", ""), "max_deliveries"),
            deliveries=int(advisory.get("deliveries", 0)),
            data=(original.data or b"").decode("utf-8", errors="replace"),
        )
        token = str(original.subject).removeprefix(f"{SUBJECT_PREFIX}.")
        await self._js.publish(
            f"{DEAD_LETTER_SUBJECT}.{token}",
            letter.model_dump_json().encode(),
            headers={"Nats-Msg-Id": f"dlq:{stream}:{seq}"},
        )

    async def dead_letters(self, *, limit: int = 100) -> list[DeadLetter]:
        """The dead-letter stream's messages, oldest first."""
        info = await self._js.stream_info(DEAD_LETTER_STREAM)
        letters: list[DeadLetter] = []
        if not info.state.messages:
            return letters
        for seq in range(info.state.first_seq, info.state.last_seq + 1):
            if len(letters) >= limit:
                break
            try:
                raw = await self._js.get_msg(DEAD_LETTER_STREAM, seq)
            except NotFoundError:
                continue
            letters.append(DeadLetter.model_validate_json(raw.data or b"{}"))
        return letters

    async def close(self) -> None:
        """Drain and close the connection."""
        for subscription in self._subscriptions.values():
            await subscription.unsubscribe()
        self._subscriptions.clear()
        await self._client.close()
