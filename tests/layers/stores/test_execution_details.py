"""ExecutionRepository contract: append-only history and node results."""

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


def test_appended_events_are_numbered_from_one(started: Stores) -> None:
    first = started.executions.append_history("ws-1", records.history_event(type="ExecutionStarted"))
    second = started.executions.append_history("ws-1", records.history_event(type="TaskStateEntered"))

    assert (first.event_id, second.event_id) == (1, 2)


def test_history_is_returned_oldest_first(started: Stores) -> None:
    types = ["ExecutionStarted", "TaskStateEntered", "TaskStateExited", "ExecutionSucceeded"]
    for i, event_type in enumerate(types):
        started.executions.append_history("ws-1", records.history_event(type=event_type, timestamp=at(i)))

    page = started.executions.get_history("ws-1", "exec-1")

    assert [e.type for e in page.items] == types
    assert [e.event_id for e in page.items] == [1, 2, 3, 4]


def test_history_keeps_event_details(started: Stores) -> None:
    event = records.history_event(previous_event_id=3, details={"output": {"a": [1, None]}})

    appended = started.executions.append_history("ws-1", event)

    assert started.executions.get_history("ws-1", "exec-1").items == [appended]
    assert appended == event.model_copy(update={"event_id": 1})


def test_history_pages(started: Stores) -> None:
    for _ in range(5):
        started.executions.append_history("ws-1", records.history_event())

    first = started.executions.get_history("ws-1", "exec-1", limit=3)
    second = started.executions.get_history("ws-1", "exec-1", limit=3, cursor=first.next_cursor)

    assert [e.event_id for e in first.items + second.items] == [1, 2, 3, 4, 5]
    assert second.next_cursor is None


def test_histories_of_two_executions_are_numbered_separately(started: Stores) -> None:
    started.executions.create("ws-1", records.execution(execution_id="exec-2"))
    started.executions.append_history("ws-1", records.history_event(execution_id="exec-1"))

    other = started.executions.append_history("ws-1", records.history_event(execution_id="exec-2"))

    assert other.event_id == 1


def test_history_of_missing_execution_is_not_found(stores: Stores) -> None:
    with pytest.raises(NotFoundError):
        stores.executions.append_history("ws-1", records.history_event())
    with pytest.raises(NotFoundError):
        stores.executions.get_history("ws-1", "exec-1")


def test_node_results_are_listed_in_start_order(started: Stores) -> None:
    started.executions.put_node_result("ws-1", records.node_result(node_id="b", started_at=at(2)))
    started.executions.put_node_result("ws-1", records.node_result(node_id="a", started_at=at(1)))
    started.executions.put_node_result("ws-1", records.node_result(node_id="a", attempt=2, started_at=at(1)))

    page = started.executions.list_node_results("ws-1", "exec-1")

    assert [(r.node_id, r.attempt) for r in page.items] == [("a", 1), ("a", 2), ("b", 1)]


def test_putting_the_same_attempt_again_replaces_it(started: Stores) -> None:
    started.executions.put_node_result("ws-1", records.node_result(status="running", output=None))
    done = records.node_result(status="succeeded", ended_at=at(1), duration_ms=1000)

    started.executions.put_node_result("ws-1", done)

    assert started.executions.list_node_results("ws-1", "exec-1").items == [done]


def test_node_results_page(started: Stores) -> None:
    for i in range(3):
        started.executions.put_node_result("ws-1", records.node_result(node_id=f"n-{i}", started_at=at(i)))

    first = started.executions.list_node_results("ws-1", "exec-1", limit=2)
    second = started.executions.list_node_results("ws-1", "exec-1", limit=2, cursor=first.next_cursor)

    assert [r.node_id for r in first.items + second.items] == ["n-0", "n-1", "n-2"]


def test_node_result_of_missing_execution_is_not_found(stores: Stores) -> None:
    with pytest.raises(NotFoundError):
        stores.executions.put_node_result("ws-1", records.node_result())
    with pytest.raises(NotFoundError):
        stores.executions.list_node_results("ws-1", "exec-1")


def test_details_of_another_workspace_are_refused_or_missing(started: Stores) -> None:
    started.executions.append_history("ws-1", records.history_event())
    started.executions.put_node_result("ws-1", records.node_result())

    with pytest.raises(InputError):
        started.executions.append_history("ws-1", records.history_event("ws-2"))
    with pytest.raises(NotFoundError):
        started.executions.append_history("ws-2", records.history_event("ws-2"))
    with pytest.raises(NotFoundError):
        started.executions.put_node_result("ws-2", records.node_result("ws-2"))
    with pytest.raises(NotFoundError):
        started.executions.get_history("ws-2", "exec-1")
    with pytest.raises(NotFoundError):
        started.executions.list_node_results("ws-2", "exec-1")
