"""The task runner: runs `task.execute` messages, records progress, answers with `task.result`.

A task id runs once: a redelivered message whose task already succeeded gets the recorded result
again without re-running it; a task that was interrupted (still "running") runs again, which every
task tolerates. A task's parameters that do not validate fail the task (no retry can fix them).
"""

from __future__ import annotations

import asyncio
import logging

from pydantic import JsonValue, ValidationError

from deca.bus.base import Delivery, Handler, MessageBus, PoisonMessage
from deca.bus.messages import Message, TaskExecute, TaskResult
from deca.clock import Clock
from deca.errors import DecaError
from deca.stores.base import ExecutionRepository
from deca.tasks.jobs import (
    ExportParams,
    MaintenanceParams,
    Progress,
    ReportParams,
    RetentionParams,
    clean_up_executions,
    execution_report,
    export_executions,
    remove_old_objects,
)
from deca.tasks.object_store import ObjectStore
from deca.tasks.progress import TaskProgress, TaskProgressBoard

__all__ = ["TaskRunner", "task_execute_handler"]

logger = logging.getLogger(__name__)


class TaskRunner:
    """Runs background tasks against the stores and the object store."""

    def __init__(
        self,
        executions: ExecutionRepository,
        objects: ObjectStore,
        board: TaskProgressBoard,
        clock: Clock,
    ) -> None:
        self._executions = executions
        self._objects = objects
        self._board = board
        self._clock = clock

    def run(self, task: TaskExecute) -> TaskResult:
        """Run the task (or replay its recorded success) and return its result message."""
        previous = self._board.get(task.workspace_id, task.task_id)
        if previous is not None and previous.status == "succeeded":
            return self._result(task, previous)
        progress = self._board.start(task.workspace_id, task.task_id, task.task_type)
        state = {"progress": progress}

        def report(done: int, total: int | None, message: str) -> None:
            state["progress"] = self._board.update(state["progress"], done=done, total=total, message=message)

        try:
            result = self._dispatch(task, report)
        except (ValidationError, DecaError) as exc:
            message = str(exc) if isinstance(exc, ValidationError) else exc.message
            logger.warning("task failed", extra={"task_id": task.task_id, "task_type": task.task_type})
            return self._result(task, self._board.finish(state["progress"], error=message))
        return self._result(task, self._board.finish(state["progress"], result=result))

    def _dispatch(self, task: TaskExecute, report: Progress) -> dict[str, JsonValue]:
        now = self._clock.now()
        workspace = task.workspace_id
        if task.task_type == "retention_cleanup":
            params = RetentionParams.model_validate(task.params)
            return clean_up_executions(self._executions, workspace, params, now=now, progress=report)
        if task.task_type == "export_executions":
            key = f"exports/{workspace}/{task.task_id}.jsonl"
            export = ExportParams.model_validate(task.params)
            return export_executions(
                self._executions, self._objects, workspace, export, key=key, progress=report
            )
        if task.task_type == "report":
            key = f"reports/{workspace}/{task.task_id}.json"
            summary = ReportParams.model_validate(task.params)
            return execution_report(
                self._executions, self._objects, workspace, summary, now=now, key=key, progress=report
            )
        maintenance = MaintenanceParams.model_validate(task.params)
        return remove_old_objects(self._objects, workspace, maintenance, now=now, progress=report)

    def _result(self, task: TaskExecute, progress: TaskProgress) -> TaskResult:
        return TaskResult(
            task_id=task.task_id,
            task_type=task.task_type,
            workspace_id=task.workspace_id,
            status="failed" if progress.status == "failed" else "succeeded",
            result=progress.result,
            error=progress.error,
            timestamp=progress.updated_at,
        )

    def progress(self, workspace_id: str, task_id: str) -> TaskProgress | None:
        """The task's progress record, if known."""
        return self._board.get(workspace_id, task_id)


def task_execute_handler(runner: TaskRunner, bus: MessageBus) -> Handler:
    """A consumer handler: run each `task.execute` and publish its `task.result`."""

    async def handle(message: Message, delivery: Delivery) -> None:
        if not isinstance(message, TaskExecute):
            raise PoisonMessage(f"expected task.execute, got {message.type}")
        await bus.publish(await asyncio.to_thread(runner.run, message))  # tasks block: keep the loop free

    return handle
