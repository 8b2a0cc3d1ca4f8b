"""The local engine's executions survive a restart; failed ones are redriven from the failed node."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from deca.engines.local import LocalEngine
from deca.engines.local_checkpoints import CheckpointEntry, LocalCheckpoints
from deca.local.node_tasks import node_task_registry
from deca.stores import Stores
from deca.stores.models import ExecutionRecord
from statemachines.runtime import FakeClock, TaskRegistry
from tests.layers.engines.conftest import WORKSPACE, store_flow

TIMEOUT = 10.0

FETCH_FLOW: dict[str, Any] = {
    "id": "fetch",
    "name": "Fetch",
    "nodes": [
        {"id": "first", "type": "set", "config": {"values": {"step": 1}}},
        {
            "id": "call",
            "type": "http_request",
            "config": {"url": "https://api.example.test/x", "method": "GET"},
        },
    ],
    "connections": [{"from": "first", "to": "call"}],
}


class FlakyUpstream(Exception):
    """The fake service's error (not retried by the compiled flow)."""


def _flaky_tasks(calls: list[int]) -> TaskRegistry:
    registry = node_task_registry()

    def handler(event: dict[str, Any]) -> Any:
        calls.append(1)
        if len(calls) == 1:
            raise FlakyUpstream("first call fails")
        return {"status": 200, "body": {"ok": True}, "headers": {}}

    registry.register_lambda("deca-node-http_request", handler)
    return registry


def test_redrive_reruns_only_the_failed_node(stores: Stores) -> None:
    # Given an execution whose second node failed once
    store_flow(stores, FETCH_FLOW)
    calls: list[int] = []
    engine = LocalEngine(
        stores, clock=FakeClock(), park_after_seconds=None, tasks=lambda _ws: _flaky_tasks(calls)
    )
    execution_id = engine.start(WORKSPACE, "fetch", 1, {})
    failed = engine.wait(WORKSPACE, execution_id, TIMEOUT)

    # When it is redriven
    engine.redrive(WORKSPACE, execution_id)
    record = engine.wait(WORKSPACE, execution_id, TIMEOUT)
    engine.close()

    # Then it succeeds, the first node ran once and the failed one twice
    results = stores.executions.list_node_results(WORKSPACE, execution_id).items
    assert failed.status == "failed"
    assert record.status == "succeeded"
    assert sorted((r.node_id, r.attempt, r.status) for r in results) == [
        ("call", 1, "failed"),
        ("call", 2, "succeeded"),
        ("first", 1, "succeeded"),
    ]


def test_paused_execution_resumes_after_a_restart(stores: Stores, tmp_path: Path) -> None:
    # Given an execution paused on an approval when the studio stops
    path = tmp_path / "engine.db"
    first = LocalEngine(
        stores, checkpoints=LocalCheckpoints.at(path), clock=FakeClock(), park_after_seconds=60
    )
    execution_id = first.start(WORKSPACE, "approval", 1, {})
    first.wait(WORKSPACE, execution_id, TIMEOUT)
    first.close()

    # When a new engine starts on the same files and the step is approved
    second = LocalEngine(
        stores, checkpoints=LocalCheckpoints.at(path), clock=FakeClock(), park_after_seconds=60
    )
    resumed = second.resume_running()
    second.wait(WORKSPACE, execution_id, TIMEOUT)
    [task] = second.pending_tasks(WORKSPACE, execution_id)
    second.send_task_success(WORKSPACE, task.task_token, {"approved": True})
    record = second.wait(WORKSPACE, execution_id, TIMEOUT)
    second.close()

    # Then the execution finishes
    assert resumed == 1
    assert record.status == "succeeded"


def test_execution_lost_before_its_first_step_is_marked_failed(stores: Stores, tmp_path: Path) -> None:
    # Given a recorded execution that never reached a checkpoint (the process died first)
    path = tmp_path / "engine.db"
    checkpoints = LocalCheckpoints.at(path)
    stores.executions.create(
        WORKSPACE,
        ExecutionRecord(workspace_id=WORKSPACE, execution_id="e1", flow_id="greeting", flow_version=1),
    )
    checkpoints.register(CheckpointEntry("arn:aws:states:x:1:execution:m:e1", WORKSPACE, "e1"))
    checkpoints.close()

    # When the engine starts
    engine = LocalEngine(stores, checkpoints=LocalCheckpoints.at(path), clock=FakeClock())
    engine.resume_running()
    engine.close()

    # Then the execution is visibly failed
    record = stores.executions.get(WORKSPACE, "e1")
    assert record.status == "failed"
    assert record.error_details is not None and record.error_details["error"] == "Engine.Lost"


def test_a_succeeded_execution_leaves_no_checkpoint_and_a_failed_one_keeps_its_own(
    stores: Stores, tmp_path: Path
) -> None:
    # Given durable checkpoints, one execution that succeeds and one whose second node fails
    store_flow(stores, FETCH_FLOW)
    checkpoints = LocalCheckpoints.at(tmp_path / "engine.db")
    calls: list[int] = []
    engine = LocalEngine(
        stores,
        checkpoints=checkpoints,
        clock=FakeClock(),
        park_after_seconds=None,
        tasks=lambda _ws: _flaky_tasks(calls),
    )
    failed_id = engine.start(WORKSPACE, "fetch", 1, {})  # the first call fails
    failed = engine.wait(WORKSPACE, failed_id, TIMEOUT)
    succeeded_id = engine.start(WORKSPACE, "fetch", 1, {})
    succeeded = engine.wait(WORKSPACE, succeeded_id, TIMEOUT)

    # Then the succeeded one is gone from the checkpoints and their index (its record holds its outcome),
    # and the failed one is still there to be redriven
    left = {entry.execution_id: entry.execution_arn for entry in checkpoints.entries()}
    engine.close()
    assert (failed.status, succeeded.status) == ("failed", "succeeded")
    assert list(left) == [failed_id]
    assert LocalCheckpoints.at(tmp_path / "engine.db").has_checkpoint(left[failed_id])
    assert stores.executions.get(WORKSPACE, succeeded_id).output is not None


PURE_FLOW: dict[str, Any] = {
    "id": "pure",
    "name": "Pure",
    "nodes": [
        {"id": "first", "type": "set", "config": {"values": {"n": "{{ input.n }}"}}},
        {"id": "double", "type": "transform", "config": {"output": {"doubled": "{{ first.n * 2 }}"}}},
    ],
    "connections": [{"from": "first", "to": "double"}],
}


def test_an_execution_of_pure_steps_interrupted_before_it_ended_is_run_again(
    stores: Stores, tmp_path: Path
) -> None:
    # Given a flow of pure steps (never checkpointed while it runs) whose execution the studio recorded and
    # queued, then stopped before the execution ended
    store_flow(stores, PURE_FLOW)
    path = tmp_path / "engine.db"
    stores.executions.create(
        WORKSPACE,
        ExecutionRecord(
            workspace_id=WORKSPACE, execution_id="e1", flow_id="pure", flow_version=1, input={"n": 21}
        ),
    )
    first = LocalEngine(stores, checkpoints=LocalCheckpoints.at(path), clock=FakeClock())
    arn = f"arn:aws:states:us-east-1:111111111111:execution:{first._machine(WORKSPACE, 'pure', 1)}:e1"
    first.checkpoints.register(CheckpointEntry(arn, WORKSPACE, "e1"))
    first.close()

    # When the engine starts again
    engine = LocalEngine(stores, checkpoints=LocalCheckpoints.at(path), clock=FakeClock())
    resumed = engine.resume_running()
    record = engine.wait(WORKSPACE, "e1", TIMEOUT)
    engine.close()

    # Then it ran from its input to the end, and left nothing to resume
    assert resumed == 1
    assert record.status == "succeeded"
    assert record.output == {"first": {"n": 21}, "double": {"doubled": 42}}
    assert LocalCheckpoints.at(path).entries() == []


class _Killed(BaseException):
    """Stands for the process being killed at that point (no handler of the engine catches it)."""


def test_a_crash_after_an_execution_succeeded_but_before_its_record_was_updated_resumes_it(
    stores: Stores, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given an execution with a task step whose runtime succeeded, and the studio killed as it was about
    # to record the success
    store_flow(stores, FETCH_FLOW)
    path = tmp_path / "engine.db"
    calls: list[int] = [1]  # the fake upstream's first call has happened: every call succeeds
    record_status = stores.executions.update_status

    def killed_when_succeeded(*args: Any, **kwargs: Any) -> ExecutionRecord:
        if args[2] == "succeeded":
            raise _Killed()
        return record_status(*args, **kwargs)

    monkeypatch.setattr(stores.executions, "update_status", killed_when_succeeded)
    first = LocalEngine(
        stores,
        checkpoints=LocalCheckpoints.at(path),
        clock=FakeClock(),
        park_after_seconds=None,
        tasks=lambda _ws: _flaky_tasks(calls),
    )
    execution_id = first.start(WORKSPACE, "fetch", 1, {})
    interrupted = first.wait(WORKSPACE, execution_id, TIMEOUT)
    first.close()
    monkeypatch.undo()

    # When the studio starts again
    second = LocalEngine(
        stores,
        checkpoints=LocalCheckpoints.at(path),
        clock=FakeClock(),
        park_after_seconds=None,
        tasks=lambda _ws: _flaky_tasks(calls),
    )
    resumed = second.resume_running()
    record = second.wait(WORKSPACE, execution_id, TIMEOUT)
    left = second.checkpoints.entries()
    second.close()

    # Then the execution is resumed and recorded as succeeded (not failed as lost), leaving no checkpoint
    assert interrupted.status == "running"
    assert resumed == 1
    assert record.status == "succeeded"
    assert record.output is not None and record.output["call"]["body"] == {"ok": True}
    assert left == []


def test_checkpoints_left_behind_by_a_recorded_success_are_removed_on_start(
    stores: Stores, tmp_path: Path
) -> None:
    # Given an execution recorded as succeeded whose checkpoint is still there (the studio stopped between
    # recording the outcome and discarding it)
    path = tmp_path / "engine.db"
    arn = "arn:aws:states:us-east-1:111111111111:execution:m:e1"
    stores.executions.create(
        WORKSPACE,
        ExecutionRecord(
            workspace_id=WORKSPACE, execution_id="e1", flow_id="greeting", flow_version=1, status="succeeded"
        ),
    )
    checkpoints = LocalCheckpoints.at(path)
    checkpoints.register(CheckpointEntry(arn, WORKSPACE, "e1"))
    checkpoints.store.save(arn, {"status": "RUNNING"}, [], 0)
    checkpoints.close()

    # When the engine starts
    engine = LocalEngine(stores, checkpoints=LocalCheckpoints.at(path), clock=FakeClock())
    resumed = engine.resume_running()
    engine.close()

    # Then nothing is resumed, the record is untouched and the checkpoint and its index entry are gone
    reopened = LocalCheckpoints.at(path)
    assert resumed == 0
    assert stores.executions.get(WORKSPACE, "e1").status == "succeeded"
    assert reopened.entries() == [] and not reopened.has_checkpoint(arn)
    reopened.close()
