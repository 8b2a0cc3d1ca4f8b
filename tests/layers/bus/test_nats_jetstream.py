"""The JetStream bus against a real nats-server: dedupe, redelivery after a kill, dead letters, backoff."""

from __future__ import annotations

import asyncio
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TypeVar

from deca.bus import (
    ConsumerSettings,
    DeadLetter,
    Delivery,
    ExecutionContext,
    ExecutionStatusChange,
    FlowExecute,
    Message,
    NatsJetStreamBus,
    PoisonMessage,
    flow_execute_handler,
    publish_status,
)
from deca.stores import sqlite_stores
from tests.layers.bus import killable_consumer

T = TypeVar("T")
EXECUTE = FlowExecute(
    flow_id="onboarding",
    execution_id="exec-1",
    trigger_data={"email": "a@b.c"},
    context=ExecutionContext(workspace_id="ws"),
)


def run(scenario: Callable[[NatsJetStreamBus], Awaitable[T]], url: str) -> T:
    """Connect, set up the streams, run the scenario, close."""

    async def main() -> T:
        bus = await NatsJetStreamBus.connect(url)
        try:
            await bus.setup()
            return await scenario(bus)
        finally:
            await bus.close()

    return asyncio.run(main())


async def failing(message: Message, delivery: Delivery) -> None:
    raise RuntimeError("downstream unavailable")


async def drain_dead_letters(bus: NatsJetStreamBus, expected: int, timeout: float = 10.0) -> list[DeadLetter]:
    """Forward advisories until `expected` dead letters exist (advisories arrive asynchronously)."""
    deadline = time.monotonic() + timeout
    while len(letters := await bus.dead_letters()) < expected and time.monotonic() < deadline:
        await bus.forward_dead_letters(timeout=0.2)
    return letters


def test_duplicate_publishes_are_stored_once(nats_url: str) -> None:
    async def scenario(bus: NatsJetStreamBus) -> tuple[list[bool], int]:
        results = [await bus.publish(EXECUTE) for _ in range(3)]
        info = await bus._js.stream_info("DECA_FLOWS")
        return [r.duplicate for r in results], info.state.messages

    assert run(scenario, nats_url) == ([False, True, True], 1)


def test_acked_message_is_not_redelivered(nats_url: str) -> None:
    seen: list[int] = []

    async def handler(message: Message, delivery: Delivery) -> None:
        seen.append(delivery.attempt)

    async def scenario(bus: NatsJetStreamBus) -> int:
        await bus.publish(EXECUTE)
        settings = ConsumerSettings("c", "flow.execute", ack_wait=0.5)
        await bus.consume(settings, handler, timeout=2)
        return await bus.consume(settings, handler, timeout=1.0)

    assert (run(scenario, nats_url), seen) == (0, [1])


def test_consumer_killed_mid_message_is_redelivered_with_one_side_effect(
    nats_url: str, tmp_path: Path
) -> None:
    # Given a published flow.execute and a consumer process that stores the execution, then hangs before acking
    database = tmp_path / "deca.sqlite"
    stores = sqlite_stores(database)
    run(lambda bus: bus.publish(EXECUTE), nats_url)
    script = Path(killable_consumer.__file__)
    process = subprocess.Popen(
        [sys.executable, str(script), nats_url, str(database)], stdout=subprocess.PIPE, text=True
    )
    lines: list[str] = []
    reader = threading.Thread(
        target=lambda: lines.append(process.stdout.readline() if process.stdout else "")
    )
    reader.start()
    reader.join(timeout=20)
    assert lines == ["side-effect\n"]
    # When it is killed mid-message
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=10)
    # Then another consumer gets the message again and acks it, without a second execution
    attempts: list[int] = []
    handle = flow_execute_handler(lambda message: killable_consumer.start_execution(stores, message))

    async def record(message: Message, delivery: Delivery) -> None:
        attempts.append(delivery.attempt)
        await handle(message, delivery)

    async def scenario(bus: NatsJetStreamBus) -> int:
        await bus.consume(killable_consumer.SETTINGS, record, batch=1, timeout=5)
        return await bus.consume(killable_consumer.SETTINGS, record, batch=1, timeout=1.5)

    assert run(scenario, nats_url) == 0
    assert attempts == [2]
    executions = stores.executions.list("ws", flow_id="onboarding").items
    assert [e.name for e in executions] == ["exec-1"]


def test_poison_message_ends_in_dead_letter_stream_after_max_deliver(nats_url: str) -> None:
    settings = ConsumerSettings("c", "flow.execute", max_deliver=3, ack_wait=5, backoff=(0.05,))

    async def scenario(bus: NatsJetStreamBus) -> tuple[list[DeadLetter], int]:
        await bus.publish(EXECUTE)
        deliveries = 0
        for _ in range(4):
            deliveries += await bus.consume(settings, failing, timeout=0.5)
        return await drain_dead_letters(bus, 1), deliveries

    (letter,), deliveries = run(scenario, nats_url)
    assert (deliveries, letter.reason, letter.deliveries, letter.consumer) == (3, "max_deliveries", 3, "c")
    assert FlowExecute.model_validate_json(letter.data) == EXECUTE


def test_invalid_message_is_terminated_and_dead_lettered(nats_url: str) -> None:
    seen: list[Message] = []

    async def handler(message: Message, delivery: Delivery) -> None:
        seen.append(message)

    async def scenario(bus: NatsJetStreamBus) -> tuple[list[DeadLetter], int]:
        await bus._js.publish("deca.flow.execute", b'{"type": "flow.execute", "flow_id": 1}')
        settings = ConsumerSettings("c", "flow.execute", ack_wait=0.5, backoff=(0.05,))
        deliveries = await bus.consume(settings, handler, timeout=1) + await bus.consume(
            settings, handler, timeout=0.5
        )
        return await drain_dead_letters(bus, 1), deliveries

    (letter,), deliveries = run(scenario, nats_url)
    assert (deliveries, letter.reason, seen) == (1, "terminated", [])


def test_handler_raising_poison_message_is_terminated_at_once(nats_url: str) -> None:
    async def poison(message: Message, delivery: Delivery) -> None:
        raise PoisonMessage("flow does not exist")

    async def scenario(bus: NatsJetStreamBus) -> list[DeadLetter]:
        await bus.publish(EXECUTE)
        await bus.consume(ConsumerSettings("c", "flow.execute", max_deliver=5), poison, timeout=1)
        return await drain_dead_letters(bus, 1)

    assert [(d.reason, d.deliveries) for d in run(scenario, nats_url)] == [("terminated", 1)]


def test_nak_waits_for_the_backoff_delay(nats_url: str) -> None:
    settings = ConsumerSettings("c", "flow.execute", max_deliver=5, ack_wait=10, backoff=(1.5,))

    async def scenario(bus: NatsJetStreamBus) -> list[int]:
        await bus.publish(EXECUTE)
        counts = [await bus.consume(settings, failing, timeout=1)]
        counts.append(await bus.consume(settings, failing, timeout=0.3))  # still inside the delay
        counts.append(await bus.consume(settings, failing, timeout=3))
        return counts

    assert run(scenario, nats_url) == [1, 0, 1]


def test_status_changes_publish_state_and_complete_once(nats_url: str) -> None:
    done = ExecutionStatusChange(
        workspace_id="ws", flow_id="f", execution_id="e", status="succeeded", output={"ok": 1}
    )

    async def scenario(bus: NatsJetStreamBus) -> int:
        await publish_status(bus, done)
        await publish_status(bus, done)  # EventBridge may deliver twice
        info = await bus._js.stream_info("DECA_FLOWS")
        return int(info.state.messages)

    assert run(scenario, nats_url) == 2


def test_each_distinct_message_is_delivered_in_order(nats_url: str) -> None:
    count = 3
    seen: list[str] = []

    async def handler(message: Message, delivery: Delivery) -> None:
        assert isinstance(message, FlowExecute)
        seen.append(message.execution_id)

    async def scenario(bus: NatsJetStreamBus) -> None:
        for index in range(count):
            await bus.publish(EXECUTE.model_copy(update={"execution_id": f"exec-{index}"}))
        await bus.consume(ConsumerSettings("c", "flow.execute"), handler, batch=10, timeout=2)

    run(scenario, nats_url)
    assert seen == [f"exec-{i}" for i in range(count)]
