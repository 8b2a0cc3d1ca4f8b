"""The task runner: exports, retention, reports and maintenance, with progress and once-only results."""

from __future__ import annotations

import asyncio
import json
import os
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import boto3
import pytest
from moto import mock_aws

from deca.bus import ConsumerSettings, InMemoryBus, TaskExecute, TaskResult, parse_message
from deca.cache import MemoryCache
from deca.errors import InputError, NotFoundError
from deca.stores import Stores, memory_stores
from deca.stores.models import ExecutionMetrics, ExecutionRecord, HistoryEvent
from deca.tasks import LocalDirectoryStore, S3ObjectStore, TaskProgressBoard, TaskRunner, task_execute_handler
from tests.fakes.clock import FakeClock

NOW = datetime(2024, 6, 1, tzinfo=UTC)


def _execution(
    stores: Stores, execution_id: str, flow_id: str, status: str, days_ago: float, duration: int | None = None
) -> None:
    record = ExecutionRecord(
        workspace_id="ws",
        execution_id=execution_id,
        flow_id=flow_id,
        flow_version=1,
        status=status,  # type: ignore[arg-type]
        start_time=NOW - timedelta(days=days_ago),
        metrics=ExecutionMetrics(duration_ms=duration),
        input={"n": execution_id},
    )
    stores.executions.create("ws", record)


@pytest.fixture
def stores() -> Stores:
    stores = memory_stores(clock=FakeClock(NOW))
    _execution(stores, "old-ok", "onboarding", "succeeded", 40, 1000)
    _execution(stores, "old-running", "onboarding", "running", 40)
    _execution(stores, "new-failed", "onboarding", "failed", 0.5, 3000)
    _execution(stores, "new-ok", "billing", "succeeded", 0.2, 500)
    return stores


def _runner(stores: Stores, root: Path) -> TaskRunner:
    clock = FakeClock(NOW)
    board = TaskProgressBoard(MemoryCache(clock), clock)
    return TaskRunner(stores.executions, LocalDirectoryStore(root), board, clock)


def _task(task_type: str, task_id: str = "t-1", **params: Any) -> TaskExecute:
    return TaskExecute(task_id=task_id, task_type=task_type, workspace_id="ws", params=params)  # type: ignore[arg-type]


def test_export_writes_json_lines_to_the_object_store(stores: Stores, tmp_path: Path) -> None:
    # When the onboarding executions are exported
    result = _runner(stores, tmp_path).run(_task("export_executions", flow_id="onboarding"))
    # Then one JSON line per execution, at a key derived from the task id
    lines = (tmp_path / "exports/ws/t-1.jsonl").read_text().splitlines()
    assert (result.status, result.result["count"]) == ("succeeded", 3)
    assert sorted(json.loads(line)["execution_id"] for line in lines) == [
        "new-failed",
        "old-ok",
        "old-running",
    ]


def test_progress_is_visible_while_and_after_running(stores: Stores, tmp_path: Path) -> None:
    runner = _runner(stores, tmp_path)
    runner.run(_task("export_executions"))
    progress = runner.progress("ws", "t-1")
    assert progress is not None
    assert (progress.status, progress.done, progress.message) == ("succeeded", 4, "exporting executions")


def test_export_to_s3(stores: Stores) -> None:
    with mock_aws():
        s3 = boto3.client("s3", region_name="us-east-1")
        s3.create_bucket(Bucket="deca-data")
        clock = FakeClock(NOW)
        objects = S3ObjectStore(s3, "deca-data", prefix="tenant/")
        runner = TaskRunner(stores.executions, objects, TaskProgressBoard(MemoryCache(clock), clock), clock)
        runner.run(_task("export_executions", flow_id="billing"))
        body = s3.get_object(Bucket="deca-data", Key="tenant/exports/ws/t-1.jsonl")["Body"].read()
    assert [json.loads(line)["execution_id"] for line in body.splitlines()] == ["new-ok"]


def test_retention_deletes_only_old_ended_executions(stores: Stores, tmp_path: Path) -> None:
    stores.executions.append_history(
        "ws", HistoryEvent(workspace_id="ws", execution_id="old-ok", type="ExecutionStarted", timestamp=NOW)
    )
    result = _runner(stores, tmp_path).run(_task("retention_cleanup", older_than_days=30))
    assert result.result["deleted"] == 1
    left = sorted(record.execution_id for record in stores.executions.list("ws").items)
    assert left == ["new-failed", "new-ok", "old-running"]
    with pytest.raises(NotFoundError):
        stores.executions.get_history("ws", "old-ok")


def test_retention_run_again_finds_nothing_more_to_delete(stores: Stores, tmp_path: Path) -> None:
    runner = _runner(stores, tmp_path)
    runner.run(_task("retention_cleanup", older_than_days=30))
    again = runner.run(_task("retention_cleanup", task_id="t-2", older_than_days=30))
    assert (again.status, again.result["deleted"]) == ("succeeded", 0)


def test_report_counts_per_flow_and_status(stores: Stores, tmp_path: Path) -> None:
    result = _runner(stores, tmp_path).run(_task("report"))
    stored = json.loads((tmp_path / "reports/ws/t-1.json").read_text())
    assert stored["flows"] == {
        "billing": {"total": 1, "by_status": {"succeeded": 1}, "mean_duration_ms": 500},
        "onboarding": {"total": 1, "by_status": {"failed": 1}, "mean_duration_ms": 3000},
    }
    assert result.result["total"] == 2


def test_maintenance_removes_old_objects_only(stores: Stores, tmp_path: Path) -> None:
    objects = LocalDirectoryStore(tmp_path)
    objects.put("exports/ws/old.jsonl", b"{}")
    objects.put("exports/ws/new.jsonl", b"{}")
    objects.put("exports/other/old.jsonl", b"{}")
    old = (NOW - timedelta(days=40)).timestamp()
    for key in ("exports/ws/old.jsonl", "exports/other/old.jsonl"):
        os.utime(tmp_path / key, (old, old))
    result = _runner(stores, tmp_path).run(_task("maintenance", older_than_days=30))
    assert result.result["keys"] == ["exports/ws/old.jsonl"]
    assert [i.key for i in objects.list("exports/")] == ["exports/other/old.jsonl", "exports/ws/new.jsonl"]


def test_succeeded_task_id_is_not_run_again(stores: Stores, tmp_path: Path) -> None:
    runner = _runner(stores, tmp_path)
    first = runner.run(_task("export_executions"))
    (tmp_path / "exports/ws/t-1.jsonl").unlink()
    again = runner.run(_task("export_executions"))
    assert (again.result, (tmp_path / "exports/ws/t-1.jsonl").exists()) == (first.result, False)


def test_invalid_params_fail_the_task(stores: Stores, tmp_path: Path) -> None:
    runner = _runner(stores, tmp_path)
    result = runner.run(_task("retention_cleanup", older_than_days=0))
    progress = runner.progress("ws", "t-1")
    assert (result.status, progress.status if progress else None) == ("failed", "failed")


def test_object_key_cannot_escape_the_root(tmp_path: Path) -> None:
    with pytest.raises(InputError):
        LocalDirectoryStore(tmp_path).put("../escape", b"x")


def test_task_message_is_run_and_answered_on_the_bus(stores: Stores, tmp_path: Path) -> None:
    bus = InMemoryBus(FakeClock(NOW))
    runner = _runner(stores, tmp_path)
    answers: list[TaskResult] = []

    async def collect(message: Any, delivery: Any) -> None:
        answers.append(message)

    async def scenario() -> None:
        await bus.publish(_task("report"))
        await bus.consume(ConsumerSettings("task-runner", "task.execute"), task_execute_handler(runner, bus))
        await bus.consume(ConsumerSettings("watcher", "task.result"), collect)

    asyncio.run(scenario())
    assert [(a.task_id, a.status) for a in answers] == [("t-1", "succeeded")]
    assert parse_message(answers[0].model_dump_json()) == answers[0]
