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


def _execute(n: int) -> FlowExecute:
    return FlowExecute(flow_id="f", execution_id=f"e{n}", context=ExecutionContext(workspace_id="ws"))


def test_a_stream_keeps_its_newest_messages_and_a_consumer_continues_after_the_discarded_ones() -> None:
    bus = InMemoryBus(FakeClock(), max_messages=3)
    seen: list[str] = []

    async def handler(message: Message, delivery: Delivery) -> None:
        assert isinstance(message, FlowExecute)
        seen.append(message.execution_id)

    async def scenario() -> list[int]:
        await bus.publish(_execute(0))
        await bus.consume(SETTINGS, handler)  # e0 delivered and acked
        results = [await bus.publish(_execute(n)) for n in range(1, 6)]  # e1, e2 are discarded
        await bus.consume(SETTINGS, handler)
        return [r.seq for r in results]

    seqs = asyncio.run(scenario())

    assert seqs == [2, 3, 4, 5, 6]  # sequence numbers keep counting across discards
    assert seen == ["e0", "e3", "e4", "e5"]


def test_a_discarded_message_id_may_be_stored_again() -> None:
    bus = InMemoryBus(FakeClock(), max_messages=1)

    async def scenario() -> list[bool]:
        first = await bus.publish(_execute(1))
        await bus.publish(_execute(2))  # discards e1
        again = await bus.publish(_execute(1))
        duplicate = await bus.publish(_execute(1))
        return [first.duplicate, again.duplicate, duplicate.duplicate]

    assert asyncio.run(scenario()) == [False, False, True]
