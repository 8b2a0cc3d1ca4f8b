"""`run_brief_in_caller`: an execution of pure steps without a loop runs to its end inside `start`, on the
caller's thread; anything else is queued for the engine's workers as before."""

from __future__ import annotations

import threading
from typing import Any

import pytest

from deca.engines.base import NotRunHere
from deca.engines.local import LocalEngine
from deca.stores import Stores
from deca.stores.models import ExecutionRecord
from statemachines.runtime import FakeClock
from tests.layers.engines.conftest import WORKSPACE, store_flow

TIMEOUT = 10.0

BRIEF_FLOW: dict[str, Any] = {
    "id": "brief",
    "name": "Brief",
    "nodes": [
        {"id": "first", "type": "set", "config": {"values": {"n": "{{ input.n }}"}}},
        {"id": "check", "type": "condition", "config": {"condition": "{{ first.n > 0 }}"}},
        {"id": "double", "type": "transform", "config": {"output": {"doubled": "{{ first.n * 2 }}"}}},
    ],
    "connections": [{"from": "first", "to": "check"}, {"from": "check", "to": "double", "label": "true"}],
}


class ThreadsOfEnds:
    """A status listener noting the thread each execution ended on."""

    def __init__(self) -> None:
        self.threads: dict[str, str] = {}

    def __call__(self, record: ExecutionRecord) -> None:
        if record.status in ("succeeded", "failed"):
            self.threads[record.execution_id] = threading.current_thread().name


@pytest.fixture
def ends() -> ThreadsOfEnds:
    return ThreadsOfEnds()


def _engine(stores: Stores, ends: ThreadsOfEnds, *, brief_here: bool) -> LocalEngine:
    store_flow(stores, BRIEF_FLOW)  # the fixture's stores hold the greeting flow, which waits
    return LocalEngine(
        stores,
        clock=FakeClock(),
        park_after_seconds=None,
        status_listener=ends,
        run_brief_in_caller=brief_here,
    )


def test_a_brief_execution_has_ended_when_start_returns(stores: Stores, ends: ThreadsOfEnds) -> None:
    engine = _engine(stores, ends, brief_here=True)

    execution_id = engine.start(WORKSPACE, "brief", 1, {"n": 21})
    record = stores.executions.get(WORKSPACE, execution_id)  # read at once, without waiting
    live = engine.live_count()
    engine.close()

    assert record.status == "succeeded"
    assert record.output is not None and record.output["double"] == {"doubled": 42}
    assert ends.threads[execution_id] == threading.current_thread().name
    assert live == 0
    assert [e.type for e in engine.history(WORKSPACE, execution_id)][-1] == "ExecutionSucceeded"


def test_an_execution_that_waits_is_still_queued_for_the_workers(stores: Stores, ends: ThreadsOfEnds) -> None:
    engine = _engine(stores, ends, brief_here=True)

    execution_id = engine.start(WORKSPACE, "greeting", 1, {"name": "Ada"})
    record = engine.wait(WORKSPACE, execution_id, TIMEOUT)
    engine.close()

    assert record.status == "succeeded"
    assert ends.threads[execution_id].startswith("deca-engine")


def test_without_the_option_a_brief_execution_runs_on_a_worker(stores: Stores, ends: ThreadsOfEnds) -> None:
    engine = _engine(stores, ends, brief_here=False)

    execution_id = engine.start(WORKSPACE, "brief", 1, {"n": 1})
    record = engine.wait(WORKSPACE, execution_id, TIMEOUT)
    engine.close()

    assert record.status == "succeeded"
    assert ends.threads[execution_id].startswith("deca-engine")


def test_a_repeated_name_returns_the_first_brief_execution_and_runs_nothing_again(
    stores: Stores, ends: ThreadsOfEnds
) -> None:
    engine = _engine(stores, ends, brief_here=True)

    first = engine.start(WORKSPACE, "brief", 1, {"n": 2}, name="once")
    again = engine.start(WORKSPACE, "brief", 1, {"n": 2}, name="once")
    engine.close()

    assert again == first
    assert list(ends.threads) == [first]


def test_an_engine_for_brief_flows_only_refuses_others_before_recording_anything(
    stores: Stores, ends: ThreadsOfEnds
) -> None:
    store_flow(stores, BRIEF_FLOW)
    engine = LocalEngine(stores, clock=FakeClock(), status_listener=ends, only_brief=True)

    brief = engine.start(WORKSPACE, "brief", 1, {"n": 3})
    with pytest.raises(NotRunHere):
        engine.start(WORKSPACE, "greeting", 1, {"name": "Ada"})
    greetings = stores.executions.list(WORKSPACE, flow_id="greeting").items
    engine.close()

    assert stores.executions.get(WORKSPACE, brief).status == "succeeded"
    assert greetings == []
    assert engine.checkpoints.entries() == []
