"""ExecutionRepository contract: `record_progress` writes history events and node results together."""

from __future__ import annotations

import pytest

from deca.errors import InputError, NotFoundError
from deca.stores import Stores
from tests.fakes import records
from tests.fakes.records import at


@pytest.fixture
def started(stores: Stores) -> Stores:
    """Stores holding one running execution `exec-1` in `ws-1`."""
    stores.executions.create("ws-1", records.execution())
    return stores


def test_events_are_numbered_after_the_stored_history(started: Stores) -> None:
    started.executions.append_history("ws-1", records.history_event(type="ExecutionStarted"))
    events = [records.history_event(type=t, timestamp=at(i)) for i, t in enumerate(["A", "B", "C"])]

    numbered = started.executions.record_progress("ws-1", "exec-1", events, [])

    assert list(numbered) == [2, 3, 4]
    stored = started.executions.get_history("ws-1", "exec-1").items
    assert [(e.type, e.event_id) for e in stored] == [("ExecutionStarted", 1), ("A", 2), ("B", 3), ("C", 4)]
    assert stored[1:] == [e.model_copy(update={"event_id": i}) for i, e in zip(numbered, events, strict=True)]


def test_node_results_are_stored_or_replaced(started: Stores) -> None:
    started.executions.put_node_result(
        "ws-1", records.node_result(node_id="a", status="running", output=None)
    )
    done = records.node_result(node_id="a", ended_at=at(1), duration_ms=1000)
    second = records.node_result(node_id="b", started_at=at(1), status="running", output=None)

    numbered = started.executions.record_progress("ws-1", "exec-1", [], [done, second])

    assert list(numbered) == []
    assert started.executions.list_node_results("ws-1", "exec-1").items == [done, second]


def test_events_after_an_append_by_another_writer_continue_its_numbering(started: Stores) -> None:
    started.executions.record_progress("ws-1", "exec-1", [records.history_event()], [])
    started.executions.append_history("ws-1", records.history_event())

    numbered = started.executions.record_progress("ws-1", "exec-1", [records.history_event()] * 2, [])

    assert list(numbered) == [3, 4]


def test_progress_of_a_missing_or_other_execution_is_refused(started: Stores) -> None:
    with pytest.raises(NotFoundError):
        started.executions.record_progress(
            "ws-1", "exec-2", [records.history_event(execution_id="exec-2")], []
        )
    with pytest.raises(NotFoundError):
        started.executions.record_progress("ws-2", "exec-1", [records.history_event("ws-2")], [])
    with pytest.raises(InputError):
        started.executions.record_progress("ws-1", "exec-1", [records.history_event("ws-2")], [])
    with pytest.raises(InputError):
        started.executions.record_progress("ws-1", "exec-1", [], [records.node_result(execution_id="exec-2")])

    assert started.executions.get_history("ws-1", "exec-1").items == []
    assert started.executions.list_node_results("ws-1", "exec-1").items == []


def test_events_raced_by_another_writer_are_numbered_after_its_event(
    started: Stores, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given another writer that appends an event just after this write read the last number
    executions = started.executions
    inner = getattr(executions, "_inner", executions)  # the store behind the Redis-cached wrapper
    read_last = inner._last_event_id
    raced: list[bool] = []

    def then_another_writer_appends(workspace_id: str, execution_id: str) -> int:
        last = read_last(workspace_id, execution_id)
        if not raced:
            raced.append(True)
            executions.append_history("ws-1", records.history_event(type="Elsewhere"))
        return last

    monkeypatch.setattr(inner, "_last_event_id", then_another_writer_appends)

    # When two events are recorded
    numbered = executions.record_progress("ws-1", "exec-1", [records.history_event(type="Mine")] * 2, [])

    # Then they follow the other writer's event, and nothing is lost or numbered twice
    stored = executions.get_history("ws-1", "exec-1").items
    assert [(e.type, e.event_id) for e in stored] == [("Elsewhere", 1), ("Mine", 2), ("Mine", 3)]
    assert list(numbered) == [2, 3]
