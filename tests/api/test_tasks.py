"""Background tasks through the API: POST /tasks queues one, GET /tasks[/{id}] shows its status and progress."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from deca.bus.messages import TaskExecute
from deca.cache import MemoryCache
from deca.stores import Stores
from deca.stores.models import ExecutionRecord, HistoryEvent
from deca.tasks.object_store import LocalDirectoryStore
from deca.tasks.progress import TaskProgressBoard
from deca.tasks.runner import TaskRunner
from deca.tasks.service import TaskService, TaskWorker
from tests.api.conftest import OTHER_WORKSPACE, WORKSPACE, Caller
from tests.fakes.clock import FakeClock


class HeldWorker:
    """A dispatcher that keeps tasks until the test runs them (so every state can be observed)."""

    def __init__(self, worker: TaskWorker) -> None:
        self.worker = worker
        self.held: list[TaskExecute] = []

    def __call__(self, task: TaskExecute) -> None:
        self.held.append(task)

    def run_all(self) -> None:
        for task in self.held:
            self.worker.run_one(task)
        self.held.clear()


@pytest.fixture
def held(app: FastAPI, stores: Stores, clock: FakeClock, tmp_path: Path) -> HeldWorker:
    board = TaskProgressBoard(MemoryCache(clock), clock)
    runner = TaskRunner(stores.executions, LocalDirectoryStore(tmp_path / "objects"), board, clock)
    dispatcher = HeldWorker(TaskWorker(runner, board))
    app.state.tasks = TaskService(board, dispatcher, clock)
    return dispatcher


def _execution(stores: Stores, clock: FakeClock, execution_id: str, days_ago: int, status: str) -> None:
    started = clock.now() - timedelta(days=days_ago)
    record = ExecutionRecord.model_validate(
        {
            "workspace_id": WORKSPACE,
            "execution_id": execution_id,
            "flow_id": "onboarding",
            "flow_version": 1,
            "status": status,
            "start_time": started,
        }
    )
    stores.executions.create(WORKSPACE, record)
    stores.executions.append_history(
        WORKSPACE,
        HistoryEvent(
            workspace_id=WORKSPACE, execution_id=execution_id, type="ExecutionStarted", timestamp=started
        ),
    )


def test_a_retention_task_is_queued_runs_and_reports_its_result(
    client: TestClient, owner: dict[str, str], held: HeldWorker, stores: Stores, clock: FakeClock
) -> None:
    _execution(stores, clock, "ancient", 90, "succeeded")
    _execution(stores, clock, "recent", 1, "succeeded")

    started = client.post(
        "/tasks", json={"task_type": "retention_cleanup", "params": {"older_than_days": 30}}, headers=owner
    )

    assert started.status_code == 202, started.text
    task = started.json()
    assert (task["status"], task["task_type"], task["workspace_id"]) == (
        "queued",
        "retention_cleanup",
        WORKSPACE,
    )
    assert client.get(f"/tasks/{task['task_id']}", headers=owner).json()["status"] == "queued"

    held.run_all()

    done = client.get(f"/tasks/{task['task_id']}", headers=owner).json()
    assert (done["status"], done["done"], done["total"]) == ("succeeded", 1, 1)
    assert done["result"]["deleted"] == 1
    assert [e.execution_id for e in stores.executions.list(WORKSPACE).items] == ["recent"]


def test_the_listing_shows_the_workspace_s_tasks_newest_first(
    client: TestClient, owner: dict[str, str], held: HeldWorker, clock: FakeClock
) -> None:
    first = client.post("/tasks", json={"task_type": "report"}, headers=owner).json()
    clock.advance(1)
    second = client.post("/tasks", json={"task_type": "export_executions"}, headers=owner).json()
    held.run_all()

    listed = client.get("/tasks", headers=owner).json()["items"]

    assert [t["task_id"] for t in listed] == [second["task_id"], first["task_id"]]
    assert [t["status"] for t in listed] == ["succeeded", "succeeded"]
    assert listed[0]["result"]["key"] == f"exports/{WORKSPACE}/{second['task_id']}.jsonl"


def test_a_task_that_fails_shows_its_error(
    client: TestClient, owner: dict[str, str], held: HeldWorker, app: FastAPI
) -> None:
    class Broken:
        def run(self, task: TaskExecute) -> Any:
            raise OSError("disk full")

    service: TaskService = app.state.tasks
    held.worker = TaskWorker(Broken(), service.board)  # type: ignore[arg-type]
    task = client.post("/tasks", json={"task_type": "maintenance"}, headers=owner).json()
    held.run_all()

    failed = client.get(f"/tasks/{task['task_id']}", headers=owner).json()
    assert (failed["status"], failed["error"]) == ("failed", "OSError: disk full")


def test_another_workspace_s_task_is_404(
    client: TestClient, owner: dict[str, str], held: HeldWorker, caller: Caller
) -> None:
    task = client.post("/tasks", json={"task_type": "report"}, headers=owner).json()
    other = caller.headers("owner", workspace=OTHER_WORKSPACE)

    response = client.get(f"/tasks/{task['task_id']}", headers=other)

    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"
    assert client.get("/tasks", headers=other).json()["items"] == []


def test_bad_bodies_are_422_with_the_field(
    client: TestClient, owner: dict[str, str], held: HeldWorker
) -> None:
    unknown = client.post("/tasks", json={"task_type": "reindex"}, headers=owner)
    too_young = client.post(
        "/tasks", json={"task_type": "retention_cleanup", "params": {"older_than_days": 0}}, headers=owner
    )
    extra = client.post("/tasks", json={"task_type": "report", "params": {"colour": "red"}}, headers=owner)
    unix_time = client.post("/tasks", json={"task_type": "report", "params": {"until": 0}}, headers=owner)

    assert [r.status_code for r in (unknown, too_young, extra, unix_time)] == [422, 422, 422, 422]
    assert "body.params.until" in unix_time.text and "ISO 8601" in unix_time.text
    assert "older_than_days" in too_young.text
    assert "colour" in extra.text
    assert held.held == []


def test_a_developer_may_not_start_tasks(client: TestClient, caller: Caller, held: HeldWorker) -> None:
    response = client.post("/tasks", json={"task_type": "report"}, headers=caller.headers("developer"))

    assert response.status_code == 403
    assert held.held == []


def test_without_a_task_service_the_app_runs_tasks_on_its_own_worker(
    client: TestClient, owner: dict[str, str], app: FastAPI
) -> None:
    task = client.post("/tasks", json={"task_type": "report"}, headers=owner).json()
    worker = app.state.tasks.dispatch
    assert isinstance(worker, TaskWorker)

    worker.stop()  # runs what is queued, then ends

    done = client.get(f"/tasks/{task['task_id']}", headers=owner).json()
    assert (done["status"], done["result"]["total"]) == ("succeeded", 0)
