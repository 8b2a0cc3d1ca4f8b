"""Background tasks: start a retention clean-up, an export, a report or object-store maintenance, and follow it.

The task service is `app.state.tasks` (`deca dev` sets one whose worker thread it starts and stops with the
app). An app built without one gets, on first use, an in-process worker over the app's stores, with progress
in the app's cache when `cache_url` is set (else in memory) and exports under `<data dir>/objects`.
"""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Path, Request
from pydantic import BaseModel, Field

from api.deps import ID_PATTERN, ApiServices, Principal, ServicesDep, audit, built_once, require
from api.errors import error_responses
from api.schemas import COMMON_ERRORS, RequestModel
from deca.cache import cache_from_url
from deca.tasks.jobs import ExportParams, MaintenanceParams, ReportParams, RetentionParams
from deca.tasks.object_store import LocalDirectoryStore
from deca.tasks.progress import TaskProgress, TaskProgressBoard
from deca.tasks.runner import TaskRunner
from deca.tasks.service import TaskService, TaskWorker

__all__ = ["router", "task_service"]

router = APIRouter(tags=["tasks"], responses=COMMON_ERRORS)


def _default_service(services: ApiServices) -> TaskService:
    board = TaskProgressBoard(
        cache_from_url(services.settings.cache_url or "memory://", clock=services.clock), services.clock
    )
    objects = LocalDirectoryStore(services.settings.data_dir / "objects")
    worker = TaskWorker(TaskRunner(services.stores.executions, objects, board, services.clock), board)
    worker.start()  # a daemon thread: it ends with the process
    return TaskService(board, worker, services.clock)


def task_service(request: Request, services: ServicesDep) -> TaskService:
    """The app's task service (an in-process one unless one was set on `app.state.tasks`)."""
    return built_once(request.app.state, "tasks", lambda: _default_service(services))


TaskServiceDep = Annotated[TaskService, Depends(task_service)]
TaskId = Annotated[str, Path(pattern=ID_PATTERN, description="Task id")]


class RetentionTask(RequestModel):
    """Delete ended executions (with their history and node results) older than the cutoff."""

    task_type: Literal["retention_cleanup"]
    params: RetentionParams = Field(default_factory=RetentionParams)


class ExportTask(RequestModel):
    """Export executions as JSON lines to `exports/<workspace>/<task_id>.jsonl`."""

    task_type: Literal["export_executions"]
    params: ExportParams = Field(default_factory=ExportParams)


class ReportTask(RequestModel):
    """Count executions per flow and status, to `reports/<workspace>/<task_id>.json`."""

    task_type: Literal["report"]
    params: ReportParams = Field(default_factory=ReportParams)


class MaintenanceTask(RequestModel):
    """Remove the workspace's old exports and reports."""

    task_type: Literal["maintenance"]
    params: MaintenanceParams = Field(default_factory=MaintenanceParams)


StartTask = Annotated[
    RetentionTask | ExportTask | ReportTask | MaintenanceTask, Field(discriminator="task_type")
]


class TaskListing(BaseModel):
    """The workspace's latest tasks, newest first (at most 100; records expire after a week)."""

    items: list[TaskProgress]


@router.post("/tasks", response_model=TaskProgress, status_code=202)
def start_task(
    body: StartTask,
    services: ServicesDep,
    tasks: TaskServiceDep,
    principal: Annotated[Principal, require("manage:workspace")],
) -> TaskProgress:
    """Queue a background task of the caller's workspace (202, status `queued`); follow it with GET."""
    params = body.params.model_dump(mode="json", exclude_none=True)
    progress = tasks.submit(principal.workspace_id, body.task_type, params)
    audit(
        services,
        principal,
        "task.start",
        progress.task_id,
        details={"task_type": body.task_type, "params": params},
    )
    return progress


@router.get("/tasks", response_model=TaskListing)
def list_tasks(
    tasks: TaskServiceDep, principal: Annotated[Principal, require("manage:workspace")]
) -> TaskListing:
    """The workspace's latest tasks with their status and progress."""
    return TaskListing(items=tasks.list(principal.workspace_id))


@router.get("/tasks/{task_id}", response_model=TaskProgress, responses=error_responses(404))
def get_task(
    task_id: TaskId, tasks: TaskServiceDep, principal: Annotated[Principal, require("manage:workspace")]
) -> TaskProgress:
    """One task: `queued`, `running` (`done` of `total` items, `message`), `succeeded` with its `result`, or
    `failed` with its `error`."""
    return tasks.get(principal.workspace_id, task_id)
