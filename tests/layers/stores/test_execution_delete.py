"""ExecutionRepository contract: deleting an execution removes its history and node results, nothing else."""

from __future__ import annotations

import pytest

from deca.errors import NotFoundError
from deca.stores import Stores
from tests.fakes import records


def _recorded(stores: Stores, workspace_id: str, execution_id: str) -> None:
    """An execution with two history events and one node result."""
    stores.executions.create(
        workspace_id, records.execution(workspace_id=workspace_id, execution_id=execution_id)
    )
    for event_type in ("ExecutionStarted", "ExecutionSucceeded"):
        stores.executions.append_history(
            workspace_id,
            records.history_event(workspace_id=workspace_id, execution_id=execution_id, type=event_type),
        )
    stores.executions.put_node_result(
        workspace_id, records.node_result(workspace_id=workspace_id, execution_id=execution_id)
    )


def test_delete_removes_the_execution_its_history_and_node_results(stores: Stores) -> None:
    _recorded(stores, "ws-1", "exec-1")

    assert stores.executions.delete("ws-1", "exec-1") is True

    with pytest.raises(NotFoundError):
        stores.executions.get("ws-1", "exec-1")
    assert stores.executions.list("ws-1").items == []
    # A new execution with the same id starts with an empty history and no node results.
    stores.executions.create("ws-1", records.execution(execution_id="exec-1"))
    assert stores.executions.get_history("ws-1", "exec-1").items == []
    assert stores.executions.list_node_results("ws-1", "exec-1").items == []


def test_delete_of_a_missing_execution_is_false(stores: Stores) -> None:
    assert stores.executions.delete("ws-1", "nope") is False


def test_delete_leaves_other_executions_and_workspaces_alone(stores: Stores) -> None:
    _recorded(stores, "ws-1", "exec-1")
    _recorded(stores, "ws-1", "exec-2")
    _recorded(stores, "ws-2", "exec-1")

    stores.executions.delete("ws-1", "exec-1")

    assert [e.execution_id for e in stores.executions.list("ws-1").items] == ["exec-2"]
    assert len(stores.executions.get_history("ws-1", "exec-2").items) == 2
    assert len(stores.executions.get_history("ws-2", "exec-1").items) == 2
    assert len(stores.executions.list_node_results("ws-2", "exec-1").items) == 1
