"""The in-memory bus follows the same delivery rules as JetStream, on a fake clock."""

from __future__ import annotations

import asyncio

from deca.bus import ConsumerSettings, Delivery, ExecutionContext, FlowExecute, InMemoryBus, Message
from tests.fakes.clock import FakeClock

EXECUTE = FlowExecute(flow_id="f", execution_id="e", context=ExecutionContext(workspace_id="ws"))
SETTINGS = ConsumerSettings("c", "flow.execute", max_deliver=3, backoff=(10.0,))


async def failing(message: Message, delivery: Delivery) -> None:
    raise RuntimeError("nope")


def test_duplicate_publish_within_window_is_stored_once() -> None:
    bus = InMemoryBus(FakeClock())
    results = asyncio.run(_publish_twice(bus))
    assert [r.duplicate for r in results] == [False, True]


async def _publish_twice(bus: InMemoryBus) -> list:
    return [await bus.publish(EXECUTE), await bus.publish(EXECUTE)]


def test_same_id_after_the_window_is_stored_again() -> None:
    clock = FakeClock()
    bus = InMemoryBus(clock, duplicate_window=60)
    asyncio.run(bus.publish(EXECUTE))
    clock.advance(61)
    assert asyncio.run(bus.publish(EXECUTE)).duplicate is False


def test_acked_message_is_delivered_once() -> None:
    bus = InMemoryBus(FakeClock())
    seen: list[int] = []

    async def handler(message: Message, delivery: Delivery) -> None:
        seen.append(delivery.attempt)

    async def scenario() -> None:
        await bus.publish(EXECUTE)
        await bus.consume(SETTINGS, handler)
        await bus.consume(SETTINGS, handler)

    asyncio.run(scenario())
    assert seen == [1]


def test_nak_redelivers_after_the_backoff_then_dead_letters() -> None:
    clock = FakeClock()
    bus = InMemoryBus(clock)

    async def scenario() -> list[int]:
        await bus.publish(EXECUTE)
        counts = [await bus.consume(SETTINGS, failing), await bus.consume(SETTINGS, failing)]
        for _ in range(3):
            clock.advance(10)
            counts.append(await bus.consume(SETTINGS, failing))
        return counts

    counts = asyncio.run(scenario())
    letters = asyncio.run(bus.dead_letters())
    assert counts == [1, 0, 1, 1, 0]
    assert [(d.reason, d.deliveries) for d in letters] == [("max_deliveries", 3)]


def test_consumers_with_other_durables_each_get_the_message() -> None:
    bus = InMemoryBus(FakeClock())
    seen: list[str] = []

    async def scenario() -> None:
        await bus.publish(EXECUTE)
        for durable in ("a", "b"):

            async def handler(message: Message, delivery: Delivery, durable: str = durable) -> None:
                seen.append(durable)

            await bus.consume(ConsumerSettings(durable, "flow.execute"), handler)

    asyncio.run(scenario())
    assert seen == ["a", "b"]


def test_invalid_message_is_dead_lettered_without_retry() -> None:
    bus = InMemoryBus(FakeClock())
    seen: list[Message] = []

    async def handler(message: Message, delivery: Delivery) -> None:
        seen.append(message)

    async def scenario() -> None:
        await bus.publish(EXECUTE)
        bus._streams["DECA_FLOWS"][0].data = b'{"type": "flow.execute"}'  # corrupted in transit
        await bus.consume(SETTINGS, handler)

    asyncio.run(scenario())
    letters = asyncio.run(bus.dead_letters())
    assert (seen, [(d.reason, d.deliveries) for d in letters]) == ([], [("terminated", 1)])
