"""Starting background tasks and reading their progress (what `POST /tasks` and `GET /tasks` use).

`TaskService.submit` records the task as `queued` on the progress board and hands a `task.execute` to a
dispatcher: a `TaskWorker` thread in the same process (`deca dev`, or an API without a bus), or a bus
publish that the task runner consumes (`bus_dispatcher`). Either way the runner records `running`, the
items done, and the result or error on the same board.
"""

from __future__ import annotations

import logging
import queue
import threading
import uuid
from collections.abc import Callable, Coroutine
from typing import Any

from pydantic import JsonValue

from deca.bus.base import MessageBus
from deca.bus.messages import TaskExecute, TaskType
from deca.clock import Clock
from deca.errors import NotFoundError
from deca.tasks.progress import TaskProgress, TaskProgressBoard
from deca.tasks.runner import TaskRunner

__all__ = ["TaskDispatcher", "TaskService", "TaskWorker", "bus_dispatcher"]

logger = logging.getLogger(__name__)

TaskDispatcher = Callable[[TaskExecute], None]
"""Gets a task to a runner (without waiting for it to run)."""


class TaskService:
    """Submits tasks and shows their progress, per workspace."""

    def __init__(self, board: TaskProgressBoard, dispatch: TaskDispatcher, clock: Clock) -> None:
        self.board = board
        self.dispatch = dispatch
        self._clock = clock

    def submit(self, workspace_id: str, task_type: TaskType, params: dict[str, JsonValue]) -> TaskProgress:
        """Queue a new task; its progress record (status `queued`)."""
        task = TaskExecute(
            task_id=uuid.uuid4().hex,
            task_type=task_type,
            workspace_id=workspace_id,
            params=params,
            timestamp=self._clock.now(),
        )
        progress = self.board.queue(workspace_id, task.task_id, task_type)
        self.dispatch(task)
        return progress

    def get(self, workspace_id: str, task_id: str) -> TaskProgress:
        """The task's progress; `NotFoundError` if the workspace has no such task (or it expired)."""
        progress = self.board.get(workspace_id, task_id)
        if progress is None:
            raise NotFoundError(f"task {task_id!r} not found", resource="task", resource_id=task_id)
        return progress

    def list(self, workspace_id: str) -> list[TaskProgress]:
        """The workspace's latest tasks, newest first."""
        return self.board.list(workspace_id)


class TaskWorker:
    """Runs dispatched tasks one at a time on its own thread (`start()` / `stop()`)."""

    _STOP = object()

    def __init__(self, runner: TaskRunner, board: TaskProgressBoard) -> None:
        self._runner = runner
        self._board = board
        self._queue: queue.Queue[TaskExecute | object] = queue.Queue()
        self._thread: threading.Thread | None = None

    def __call__(self, task: TaskExecute) -> None:
        """Queue a task (the `TaskDispatcher`)."""
        self._queue.put(task)

    @property
    def running(self) -> bool:
        """Whether the worker thread is alive."""
        return self._thread is not None and self._thread.is_alive()

    def start(self) -> None:
        """Start the worker thread."""
        self._thread = threading.Thread(target=self._loop, name="deca-tasks", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 10.0) -> None:
        """Run the tasks queued so far, then end (waits up to `timeout` seconds)."""
        self._queue.put(self._STOP)
        if self._thread is not None:
            self._thread.join(timeout)

    def run_one(self, task: TaskExecute) -> None:
        """Run a task; an unexpected error fails it rather than leaving it `running`."""
        try:
            self._runner.run(task)
        except Exception as exc:
            logger.exception("task crashed", extra={"task_id": task.task_id})
            progress = self._board.get(task.workspace_id, task.task_id)
            if progress is not None:
                self._board.finish(progress, error=f"{type(exc).__name__}: {exc}")

    def _loop(self) -> None:
        while True:
            task = self._queue.get()
            if task is self._STOP:
                return
            if isinstance(task, TaskExecute):
                self.run_one(task)


def bus_dispatcher(bus: MessageBus, run: Callable[[Coroutine[Any, Any, Any]], Any]) -> TaskDispatcher:
    """Dispatch by publishing `task.execute` (the task runner service consumes it)."""

    def dispatch(task: TaskExecute) -> None:
        run(bus.publish(task))

    return dispatch
