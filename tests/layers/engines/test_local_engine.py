"""The local engine runs flows in its worker pool and keeps records, node results and history in the stores."""

from __future__ import annotations

from typing import Any

import pytest

from deca.engines import ExecutionNotRedrivable, TaskNotFound
from deca.engines.local import LocalEngine
from deca.stores import Stores
from deca.stores.models import Trigger
from tests.layers.engines.conftest import WORKSPACE

TIMEOUT = 10.0


def _results(stores: Stores, execution_id: str) -> dict[str, Any]:
    page = stores.executions.list_node_results(WORKSPACE, execution_id)
    return {result.node_id: result for result in page.items}


def test_started_execution_succeeds_with_the_flow_output(engine: LocalEngine) -> None:
    execution_id = engine.start(WORKSPACE, "greeting", 1, {"name": "Ada"})

    record = engine.wait(WORKSPACE, execution_id, TIMEOUT)

    assert record.status == "succeeded"
    assert record.output == {
        "greet": {"greeting": "hello"},
        "pause": {"waited_seconds": 5},
        "say": {"msg": "hello Ada"},
    }
    assert record.end_time is not None


def test_each_node_has_a_result_with_output_and_duration(engine: LocalEngine, stores: Stores) -> None:
    execution_id = engine.start(WORKSPACE, "greeting", 1, {"name": "Ada"})
    engine.wait(WORKSPACE, execution_id, TIMEOUT)

    results = _results(stores, execution_id)

    assert {node: r.status for node, r in results.items()} == {
        "greet": "succeeded",
        "pause": "succeeded",
        "say": "succeeded",
    }
    assert results["say"].output == {"msg": "hello Ada"}
    assert results["pause"].duration_ms == 5000  # the fake clock jumped over the wait


def test_history_is_recorded_in_order(engine: LocalEngine) -> None:
    execution_id = engine.start(WORKSPACE, "greeting", 1, {})
    engine.wait(WORKSPACE, execution_id, TIMEOUT)

    types = [event.type for event in engine.history(WORKSPACE, execution_id)]

    assert types[0] == "ExecutionStarted"
    assert types[-1] == "ExecutionSucceeded"
    assert "WaitStateEntered" in types


def test_start_with_the_same_name_is_the_same_execution(engine: LocalEngine) -> None:
    first = engine.start(WORKSPACE, "greeting", 1, {}, name="order-42")
    second = engine.start(WORKSPACE, "greeting", 1, {}, name="order-42")

    assert first == second


def test_trigger_is_kept_on_the_record(engine: LocalEngine) -> None:
    execution_id = engine.start(
        WORKSPACE, "greeting", 1, {}, trigger=Trigger(type="webhook", data={"path": "x"})
    )

    assert engine.describe(WORKSPACE, execution_id).trigger.type == "webhook"


def test_failing_node_fails_the_execution_with_its_error(engine: LocalEngine, stores: Stores) -> None:
    execution_id = engine.start(WORKSPACE, "failing", 1, {})

    record = engine.wait(WORKSPACE, execution_id, TIMEOUT)

    assert record.status == "failed"
    assert record.error_details is not None
    assert record.error_details["error"] == "Boom"


def test_a_failed_execution_keeps_earlier_outputs_and_names_the_failing_node(
    engine: LocalEngine, stores: Stores
) -> None:
    execution_id = engine.start(WORKSPACE, "failing", 1, {})
    engine.wait(WORKSPACE, execution_id, TIMEOUT)

    results = {r.node_id: r for r in stores.executions.list_node_results(WORKSPACE, execution_id).items}
    assert (results["first"].status, results["first"].output) == ("succeeded", {"step": 1})
    assert results["boom"].status == "failed"
    assert results["boom"].error == {"error": "Boom", "cause": "it broke"}


def test_approval_pauses_until_approved(parking_engine: LocalEngine) -> None:
    # Given an execution paused on an approval
    execution_id = parking_engine.start(WORKSPACE, "approval", 1, {})
    paused = parking_engine.wait(WORKSPACE, execution_id, TIMEOUT)
    [task] = parking_engine.pending_tasks(WORKSPACE, execution_id)

    # When it is approved
    parking_engine.send_task_success(WORKSPACE, task.task_token, {"approved": True, "decision": "approved"})
    record = parking_engine.wait(WORKSPACE, execution_id, TIMEOUT)

    # Then it continues with the decision
    assert paused.status == "waiting"
    assert (task.node_id, task.node_type, task.config["title"]) == ("ask", "approval", "Refund?")
    assert record.status == "succeeded"
    assert record.output is not None and record.output["done"] == {"approved": True}  # type: ignore[index,call-overload]


def test_answering_an_unknown_token_is_not_found(engine: LocalEngine) -> None:
    with pytest.raises(TaskNotFound):
        engine.send_task_success(WORKSPACE, "no-such-token", {})


def test_stop_cancels_a_paused_execution(parking_engine: LocalEngine, stores: Stores) -> None:
    execution_id = parking_engine.start(WORKSPACE, "approval", 1, {})
    parking_engine.wait(WORKSPACE, execution_id, TIMEOUT)

    record = parking_engine.stop(WORKSPACE, execution_id, error="Stopped", cause="by a test")

    assert record.status == "cancelled"
    assert _results(stores, execution_id)["ask"].status == "cancelled"
    assert parking_engine.pending_tasks(WORKSPACE, execution_id) == []


def test_redrive_of_a_succeeded_execution_is_refused(engine: LocalEngine) -> None:
    execution_id = engine.start(WORKSPACE, "greeting", 1, {})
    engine.wait(WORKSPACE, execution_id, TIMEOUT)

    with pytest.raises(ExecutionNotRedrivable):
        engine.redrive(WORKSPACE, execution_id)


def test_other_workspace_does_not_see_the_execution(engine: LocalEngine) -> None:
    from deca.errors import NotFoundError

    execution_id = engine.start(WORKSPACE, "greeting", 1, {})

    with pytest.raises(NotFoundError):
        engine.describe("ws-other", execution_id)


def test_ended_executions_are_not_kept_in_memory(engine: LocalEngine) -> None:
    execution_id = engine.start(WORKSPACE, "greeting", 1, {})
    engine.wait(WORKSPACE, execution_id, TIMEOUT)

    assert engine.live_count() == 0
