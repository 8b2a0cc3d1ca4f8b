"""Engine jobs hold a CPU slot while they step an execution and give it up while a node waits on I/O."""

from __future__ import annotations

import threading
from typing import Any

from deca.engines.cpu_slots import CpuSlots
from deca.engines.local import LocalEngine
from deca.local.node_tasks import node_task_registry
from deca.stores import Stores
from statemachines.runtime import FakeClock, TaskRegistry
from tests.layers.engines.conftest import WORKSPACE, store_flow

TIMEOUT = 10.0

CALL_FLOW: dict[str, Any] = {
    "id": "call",
    "name": "Call",
    "nodes": [
        {
            "id": "call",
            "type": "http_request",
            "config": {"url": "https://api.example.test/x", "method": "GET"},
        }
    ],
}


def test_released_lets_another_thread_take_the_slot_and_takes_it_back() -> None:
    slots = CpuSlots(1)
    entered = threading.Event()

    def other_holder() -> None:
        with slots.hold():
            entered.set()

    def wait_for_the_other() -> bool:
        thread = threading.Thread(target=other_holder)
        thread.start()
        got_in = entered.wait(TIMEOUT)  # blocks for ever (until the timeout) if the slot were still held
        thread.join(TIMEOUT)
        return got_in

    with slots.hold():
        assert slots.held_here()
        assert slots.released(wait_for_the_other) is True
        assert slots.held_here()
    assert not slots.held_here()


def test_hold_is_reentrant_and_released_is_a_no_op_without_a_slot() -> None:
    slots = CpuSlots(1)
    assert slots.released(lambda: "ran") == "ran"
    with slots.hold(), slots.hold():  # one slot: a second, non re-entrant take would block for ever
        assert slots.held_here()
    assert not slots.held_here()


def test_a_node_waiting_on_io_does_not_keep_other_executions_from_running(stores: Stores) -> None:
    # Given one CPU slot and a node whose handler only returns once two of its calls are in flight at once
    store_flow(stores, CALL_FLOW)
    both_in_flight = threading.Barrier(2, timeout=TIMEOUT)

    def tasks(_workspace: str) -> TaskRegistry:
        registry = node_task_registry()

        def handler(event: dict[str, Any]) -> Any:
            both_in_flight.wait()  # BrokenBarrierError (the node fails) if the other call never starts
            return {"status": 200, "body": {"ok": True}, "headers": {}}

        registry.register_lambda("deca-node-http_request", handler)
        return registry

    engine = LocalEngine(stores, clock=FakeClock(), park_after_seconds=None, tasks=tasks, cpu_slots=1)

    # When two executions start
    first = engine.start(WORKSPACE, "call", 1, {})
    second = engine.start(WORKSPACE, "call", 1, {})
    statuses = [engine.wait(WORKSPACE, e, TIMEOUT).status for e in (first, second)]
    engine.close()

    # Then both nodes were waiting at the same time (the first gave its slot up), and both succeeded
    assert statuses == ["succeeded", "succeeded"]
