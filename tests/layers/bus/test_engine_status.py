"""The local engine's status changes on the bus (flow.state / flow.complete), and flow.execute starting runs."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from typing import Any

import pytest

from deca.bus import (
    ConsumerSettings,
    ExecutionContext,
    FlowComplete,
    FlowExecute,
    FlowState,
    InMemoryBus,
    Message,
    MessageBus,
    NatsJetStreamBus,
)
from deca.bus.base import Delivery
from deca.bus.engine_status import BusService
from deca.engines.local import LocalEngine
from deca.engines.starter import EngineFlowStarter
from deca.stores import Stores, memory_stores
from deca.stores.models import ExecutionRecord
from deca.triggers.starter import from_flow_execute
from tests.layers.engines.conftest import FAILING_FLOW, WORKSPACE, store_flow

ECHO_FLOW: dict[str, Any] = {
    "id": "echo",
    "name": "Echo",
    "nodes": [{"id": "say", "type": "transform", "config": {"output": {"msg": "hi {{ input.name }}"}}}],
}


class Ended:
    """A status listener in front of the service that lets a test wait for executions to end."""

    def __init__(self, service: BusService) -> None:
        self._service = service
        self._done: dict[str, threading.Event] = {}
        self._lock = threading.Lock()
        self._first = threading.Event()
        self._first_id = ""

    def _event(self, execution_id: str) -> threading.Event:
        with self._lock:
            return self._done.setdefault(execution_id, threading.Event())

    def __call__(self, record: ExecutionRecord) -> None:
        self._service.notify(record)
        if record.status in ("succeeded", "failed", "cancelled", "timed_out"):
            self._event(record.execution_id).set()
            if not self._first.is_set():
                self._first_id = record.execution_id
                self._first.set()

    def wait(self, execution_id: str, timeout: float = 10.0) -> None:
        assert self._event(execution_id).wait(timeout), f"{execution_id} did not end within {timeout} s"

    def any_ended(self, timeout: float = 10.0) -> str:
        """The id of the first execution seen ending."""
        assert self._first.wait(timeout), f"no execution ended within {timeout} s"
        return self._first_id


@pytest.fixture
def stores() -> Stores:
    stores = memory_stores()
    for document in (ECHO_FLOW, FAILING_FLOW):
        store_flow(stores, document)
        record = stores.flows.get(WORKSPACE, document["id"])
        stores.flows.update(WORKSPACE, record.model_copy(update={"published_version": 1}))
    return stores


@pytest.fixture
def engine(stores: Stores) -> Iterator[LocalEngine]:
    engine = LocalEngine(stores, max_workers=2)
    yield engine
    engine.close()


def _connect_to(bus: MessageBus) -> Any:
    async def connect() -> MessageBus:
        return bus

    return connect


async def _read(bus: MessageBus, message_type: Any, durable: str) -> list[Message]:
    got: list[Message] = []

    async def keep(message: Message, delivery: Delivery) -> None:
        got.append(message)

    settings = ConsumerSettings(durable, message_type)
    while await bus.consume(settings, keep, batch=50, timeout=0.5):
        pass
    return got


def _run_two(engine: LocalEngine, stores: Stores, service: BusService) -> tuple[str, str]:
    """Start the echo and the failing flow with the service listening; their execution ids once both ended."""
    listener = Ended(service)
    engine.status_listener = listener
    service.start()
    try:
        echo = engine.start(WORKSPACE, "echo", 1, {"name": "Ada"})
        failing = engine.start(WORKSPACE, "failing", 1, {})
        listener.wait(echo)
        listener.wait(failing)
    finally:
        service.stop()
    return echo, failing


def _check_messages(states: list[Message], completes: list[Message], echo: str, failing: str) -> None:
    assert all(isinstance(m, FlowState) for m in states)
    assert all(isinstance(m, FlowComplete) for m in completes)
    by_execution: dict[str, list[str]] = {}
    for message in states:
        assert isinstance(message, FlowState)
        assert message.workspace_id == WORKSPACE
        by_execution.setdefault(message.execution_id, []).append(message.status)
    assert by_execution == {echo: ["running", "succeeded"], failing: ["running", "failed"]}
    ends = {m.execution_id: m for m in completes if isinstance(m, FlowComplete)}
    assert (ends[echo].status, ends[echo].flow_id) == ("succeeded", "echo")
    assert ends[echo].output == {"say": {"msg": "hi Ada"}}
    assert ends[echo].duration_ms is not None
    assert ends[failing].status == "failed"
    assert ends[failing].error is not None and ends[failing].error["error"] == "Boom"


def test_status_changes_go_out_as_flow_state_and_flow_complete(engine: LocalEngine, stores: Stores) -> None:
    bus = InMemoryBus()
    service = BusService(_connect_to(bus))

    echo, failing = _run_two(engine, stores, service)

    states = asyncio.run(_read(bus, "flow.state", "test-states"))
    completes = asyncio.run(_read(bus, "flow.complete", "test-completes"))
    _check_messages(states, completes, echo, failing)


def test_a_flow_execute_message_starts_the_execution_once(engine: LocalEngine, stores: Stores) -> None:
    bus = InMemoryBus()
    starter = EngineFlowStarter(engine, stores.flows)
    service = BusService(_connect_to(bus), lambda message: starter.start(from_flow_execute(message)))
    listener = Ended(service)
    engine.status_listener = listener
    execute = FlowExecute(
        flow_id="echo",
        execution_id="order-17",
        trigger_data={"name": "Bo"},
        context=ExecutionContext(workspace_id=WORKSPACE),
    )
    asyncio.run(bus.publish(execute))
    asyncio.run(bus.publish(execute, msg_id="a-redelivery"))  # the same execution asked for twice

    service.start()
    try:
        execution_id = listener.any_ended()
    finally:
        service.stop()

    [record] = stores.executions.list(WORKSPACE, flow_id="echo").items
    assert (record.execution_id, record.name, record.status) == (execution_id, "order-17", "succeeded")
    assert record.output == {"say": {"msg": "hi Bo"}}
    completes = asyncio.run(_read(bus, "flow.complete", "test-completes"))
    assert [m.execution_id for m in completes if isinstance(m, FlowComplete)] == [execution_id]


def test_without_a_listener_the_engine_runs_as_before(engine: LocalEngine, stores: Stores) -> None:
    execution_id = engine.start(WORKSPACE, "echo", 1, {"name": "Cy"})

    assert engine.wait(WORKSPACE, execution_id, 10).status == "succeeded"


def test_a_bus_that_cannot_connect_fails_start() -> None:
    async def refuse() -> MessageBus:
        raise ConnectionRefusedError("no server")

    with pytest.raises(ConnectionRefusedError):
        BusService(refuse).start()


def test_status_changes_on_a_real_nats_server(engine: LocalEngine, stores: Stores, nats_url: str) -> None:
    async def connect() -> MessageBus:
        bus = await NatsJetStreamBus.connect(nats_url)
        await bus.setup()
        return bus

    echo, failing = _run_two(engine, stores, BusService(connect))

    async def read_back() -> tuple[list[Message], list[Message]]:
        bus = await connect()
        try:
            return (
                await _read(bus, "flow.state", "test-states"),
                await _read(bus, "flow.complete", "test-completes"),
            )
        finally:
            await bus.close()

    states, completes = asyncio.run(read_back())
    _check_messages(states, completes, echo, failing)


class GatedBus(InMemoryBus):
    """Holds its first publish until `gate` opens (the bus thread is busy publishing meanwhile)."""

    def __init__(self) -> None:
        super().__init__()
        self.gate = threading.Event()
        self.entered = threading.Event()
        self.published: list[Message] = []

    async def publish(self, message: Message, *, msg_id: str | None = None) -> Any:
        if not self.gate.is_set():
            self.entered.set()
            await asyncio.get_running_loop().run_in_executor(None, self.gate.wait)
        self.published.append(message)
        return await super().publish(message, msg_id=msg_id)


def test_changes_queued_while_the_bus_thread_publishes_wake_it_once(monkeypatch: pytest.MonkeyPatch) -> None:
    # Given a service whose bus thread is busy publishing the first change
    bus = GatedBus()
    service = BusService(_connect_to(bus))
    service.start()
    pokes: list[int] = []
    poke = service._poke
    monkeypatch.setattr(service, "_poke", lambda: (pokes.append(1), poke()))
    ended = [
        ExecutionRecord(
            workspace_id=WORKSPACE, execution_id=f"e{i}", flow_id="echo", flow_version=1, status="succeeded"
        )
        for i in range(50)
    ]
    service.notify(ended[0])
    assert bus.entered.wait(10)

    # When 49 more changes are queued meanwhile
    for record in ended[1:]:
        service.notify(record)
    pokes_while_busy = len(pokes)
    bus.gate.set()
    service.stop()

    # Then only the first change woke the thread, and every change was published once
    assert pokes_while_busy == 1
    completes = [m for m in bus.published if isinstance(m, FlowComplete)]
    assert sorted(m.execution_id for m in completes) == sorted(r.execution_id for r in ended)
