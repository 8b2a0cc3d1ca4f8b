"""ExecutionRepository contract: creation, idempotent names, listing filters and status updates."""

from __future__ import annotations

import pytest

from deca.errors import ConflictError, InputError, NotFoundError
from deca.stores import Stores
from deca.stores.models import ExecutionMetrics
from tests.fakes import records
from tests.fakes.records import at


def test_created_execution_is_returned_by_get(stores: Stores) -> None:
    execution = records.execution(trigger={"type": "webhook", "data": {"body": {"a": [1, 2]}}})

    created = stores.executions.create("ws-1", execution)

    assert created == execution
    assert stores.executions.get("ws-1", "exec-1") == execution


def test_duplicate_execution_id_is_a_conflict(stores: Stores) -> None:
    stores.executions.create("ws-1", records.execution())

    with pytest.raises(ConflictError):
        stores.executions.create("ws-1", records.execution(flow_id="flow-2"))


def test_start_with_an_existing_name_returns_the_existing_execution(stores: Stores) -> None:
    first = stores.executions.create("ws-1", records.execution(execution_id="e-1", name="order-42"))

    again = stores.executions.create("ws-1", records.execution(execution_id="e-2", name="order-42"))

    assert again == first
    with pytest.raises(NotFoundError):
        stores.executions.get("ws-1", "e-2")


def test_names_are_unique_per_flow_only(stores: Stores) -> None:
    stores.executions.create("ws-1", records.execution(execution_id="e-1", name="n"))

    other = stores.executions.create(
        "ws-1", records.execution(execution_id="e-2", flow_id="flow-2", name="n")
    )

    assert other.execution_id == "e-2"


def test_unnamed_executions_never_collide(stores: Stores) -> None:
    stores.executions.create("ws-1", records.execution(execution_id="e-1"))
    stores.executions.create("ws-1", records.execution(execution_id="e-2"))

    assert len(stores.executions.list("ws-1").items) == 2


def test_get_by_name_finds_the_named_execution(stores: Stores) -> None:
    created = stores.executions.create("ws-1", records.execution(name="order-42"))

    assert stores.executions.get_by_name("ws-1", "flow-1", "order-42") == created
    with pytest.raises(NotFoundError):
        stores.executions.get_by_name("ws-1", "flow-2", "order-42")


def test_list_is_newest_first_and_pages(stores: Stores) -> None:
    for i, start in enumerate([30, 10, 50, 20, 40]):
        stores.executions.create("ws-1", records.execution(execution_id=f"e-{i}", start=start))

    first = stores.executions.list("ws-1", limit=2)
    rest = stores.executions.list("ws-1", limit=5, cursor=first.next_cursor)

    assert [e.execution_id for e in first.items] == ["e-2", "e-4"]
    assert [e.execution_id for e in rest.items] == ["e-0", "e-3", "e-1"]
    assert rest.next_cursor is None


def test_executions_starting_together_are_ordered_by_id_descending(stores: Stores) -> None:
    for execution_id in ["e-b", "e-c", "e-a"]:
        stores.executions.create("ws-1", records.execution(execution_id=execution_id, start=5))

    pages = [stores.executions.list("ws-1", limit=1)]
    while pages[-1].next_cursor is not None:
        pages.append(stores.executions.list("ws-1", limit=1, cursor=pages[-1].next_cursor))

    assert [p.items[0].execution_id for p in pages] == ["e-c", "e-b", "e-a"]


def test_list_filters_by_flow_and_status(stores: Stores) -> None:
    stores.executions.create("ws-1", records.execution(execution_id="e-1", flow_id="flow-a", status="failed"))
    stores.executions.create("ws-1", records.execution(execution_id="e-2", flow_id="flow-a"))
    stores.executions.create("ws-1", records.execution(execution_id="e-3", flow_id="flow-b", status="failed"))

    by_flow = stores.executions.list("ws-1", flow_id="flow-a")
    by_both = stores.executions.list("ws-1", flow_id="flow-a", status="failed")

    assert {e.execution_id for e in by_flow.items} == {"e-1", "e-2"}
    assert [e.execution_id for e in by_both.items] == ["e-1"]


def test_list_filters_by_start_window(stores: Stores) -> None:
    for start in [10, 20, 30, 40]:
        stores.executions.create("ws-1", records.execution(execution_id=f"e-{start}", start=start))

    page = stores.executions.list("ws-1", started_after=at(20), started_before=at(40))

    assert [e.execution_id for e in page.items] == ["e-30", "e-20"]


def test_update_status_sets_given_fields_only(stores: Stores) -> None:
    created = stores.executions.create("ws-1", records.execution())
    metrics = ExecutionMetrics(duration_ms=1500, nodes_executed=3)

    updated = stores.executions.update_status(
        "ws-1", "exec-1", "succeeded", end_time=at(1.5), output={"done": True}, metrics=metrics
    )

    expected = created.model_copy(
        update={"status": "succeeded", "end_time": at(1.5), "output": {"done": True}, "metrics": metrics}
    )
    assert updated == expected
    assert stores.executions.get("ws-1", "exec-1") == expected


def test_update_status_records_error_details(stores: Stores) -> None:
    stores.executions.create("ws-1", records.execution())

    updated = stores.executions.update_status(
        "ws-1", "exec-1", "failed", error_details={"error": "States.Timeout"}
    )

    assert (updated.status, updated.error_details) == ("failed", {"error": "States.Timeout"})


def test_update_status_with_expected_status_succeeds_when_it_matches(stores: Stores) -> None:
    stores.executions.create("ws-1", records.execution())

    updated = stores.executions.update_status("ws-1", "exec-1", "cancelled", expected_status="running")

    assert updated.status == "cancelled"


def test_update_status_with_stale_expected_status_is_a_conflict(stores: Stores) -> None:
    stores.executions.create("ws-1", records.execution(status="succeeded"))

    with pytest.raises(ConflictError):
        stores.executions.update_status("ws-1", "exec-1", "failed", expected_status="running")
    assert stores.executions.get("ws-1", "exec-1").status == "succeeded"


def test_update_status_of_missing_execution_is_not_found(stores: Stores) -> None:
    with pytest.raises(NotFoundError):
        stores.executions.update_status("ws-1", "exec-1", "failed")
    with pytest.raises(NotFoundError):
        stores.executions.update_status("ws-1", "exec-1", "failed", expected_status="running")


def test_execution_of_another_workspace_is_refused(stores: Stores) -> None:
    with pytest.raises(InputError):
        stores.executions.create("ws-1", records.execution("ws-2"))


def test_another_workspaces_executions_behave_as_missing(stores: Stores) -> None:
    stores.executions.create("ws-1", records.execution(name="n", status="failed"))

    with pytest.raises(NotFoundError):
        stores.executions.get("ws-2", "exec-1")
    with pytest.raises(NotFoundError):
        stores.executions.get_by_name("ws-2", "flow-1", "n")
    with pytest.raises(NotFoundError):
        stores.executions.update_status("ws-2", "exec-1", "succeeded")
    assert stores.executions.list("ws-2").items == []
    assert stores.executions.list("ws-2", flow_id="flow-1", status="failed", started_after=at(-1)).items == []
    assert stores.executions.get("ws-1", "exec-1").status == "failed"


def test_same_name_in_another_workspace_starts_a_new_execution(stores: Stores) -> None:
    stores.executions.create("ws-1", records.execution(name="n"))

    other = stores.executions.create("ws-2", records.execution("ws-2", "exec-1", name="n"))

    assert other.workspace_id == "ws-2"
    assert stores.executions.get("ws-2", "exec-1") == other
