"""Background tasks over `task.execute`: retention clean-up, exports, reports, maintenance; progress records."""

from __future__ import annotations

from deca.tasks.jobs import (
    ExportParams,
    MaintenanceParams,
    ReportParams,
    RetentionParams,
)
from deca.tasks.object_store import LocalDirectoryStore, ObjectInfo, ObjectStore, S3ObjectStore
from deca.tasks.progress import TaskProgress, TaskProgressBoard
from deca.tasks.runner import TaskRunner, task_execute_handler

__all__ = [
    "ExportParams",
    "LocalDirectoryStore",
    "MaintenanceParams",
    "ObjectInfo",
    "ObjectStore",
    "ReportParams",
    "RetentionParams",
    "S3ObjectStore",
    "TaskProgress",
    "TaskProgressBoard",
    "TaskRunner",
    "task_execute_handler",
]
