"""The task service: queued on the board, dispatched to a worker thread or over the bus, listed per workspace."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from pathlib import Path

import pytest

from deca.bus import InMemoryBus, TaskExecute
from deca.bus.consumers import TASK_RUNNER
from deca.cache import MemoryCache
from deca.errors import NotFoundError
from deca.stores import memory_stores
from deca.tasks import LocalDirectoryStore, TaskProgressBoard, TaskRunner, task_execute_handler
from deca.tasks.progress import INDEX_SIZE
from deca.tasks.service import TaskService, TaskWorker, bus_dispatcher
from tests.fakes.clock import FakeClock

NOW = datetime(2024, 6, 1, tzinfo=UTC)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(NOW)


@pytest.fixture
def board(clock: FakeClock) -> TaskProgressBoard:
    return TaskProgressBoard(MemoryCache(clock), clock)


def _runner(board: TaskProgressBoard, clock: FakeClock, root: Path) -> TaskRunner:
    return TaskRunner(memory_stores(clock=clock).executions, LocalDirectoryStore(root), board, clock)


def test_a_worker_runs_submitted_tasks_in_order_and_stop_waits_for_them(
    board: TaskProgressBoard, clock: FakeClock, tmp_path: Path
) -> None:
    worker = TaskWorker(_runner(board, clock, tmp_path), board)
    service = TaskService(board, worker, clock)
    first = service.submit("ws", "report", {})
    second = service.submit("ws", "export_executions", {"flow_id": "f"})
    queued = [service.get("ws", t.task_id).status for t in (first, second)]

    worker.start()
    worker.stop()

    assert queued == ["queued", "queued"]
    assert [service.get("ws", t.task_id).status for t in (first, second)] == ["succeeded", "succeeded"]
    assert not worker.running


def test_tasks_travel_over_the_bus_to_the_runner(
    board: TaskProgressBoard, clock: FakeClock, tmp_path: Path
) -> None:
    bus = InMemoryBus(clock)
    loop = asyncio.new_event_loop()
    try:
        service = TaskService(board, bus_dispatcher(bus, loop.run_until_complete), clock)
        task = service.submit("ws", "report", {})
        handler = task_execute_handler(_runner(board, clock, tmp_path), bus)
        handled = loop.run_until_complete(bus.consume(TASK_RUNNER, handler))
    finally:
        loop.close()

    assert handled == 1
    assert service.get("ws", task.task_id).status == "succeeded"


def test_the_listing_is_per_workspace_newest_first_and_bounded(
    board: TaskProgressBoard, clock: FakeClock
) -> None:
    service = TaskService(board, lambda task: None, clock)
    ids = [service.submit("ws", "report", {}).task_id for _ in range(INDEX_SIZE + 2)]
    service.submit("other", "report", {})

    listed = [progress.task_id for progress in service.list("ws")]

    assert listed == list(reversed(ids))[:INDEX_SIZE]
    assert len(service.list("other")) == 1


def test_an_unknown_or_foreign_task_is_not_found(board: TaskProgressBoard, clock: FakeClock) -> None:
    dispatched: list[TaskExecute] = []
    service = TaskService(board, dispatched.append, clock)
    task = service.submit("ws", "maintenance", {})

    with pytest.raises(NotFoundError):
        service.get("other", task.task_id)
    with pytest.raises(NotFoundError):
        service.get("ws", "nope")
    assert [t.task_id for t in dispatched] == [task.task_id]
