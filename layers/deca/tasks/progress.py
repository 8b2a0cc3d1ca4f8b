"""Task progress records, kept in the cache (Redis when configured) so every process can show them."""

from __future__ import annotations

import json
import threading
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, JsonValue

from deca.cache import Cache
from deca.clock import Clock
from deca.stores.models import UtcDatetime

__all__ = ["TaskProgress", "TaskProgressBoard"]

TaskStatus = Literal["queued", "running", "succeeded", "failed"]
_TTL_SECONDS = 7 * 24 * 3600.0
INDEX_SIZE = 100
"""How many of a workspace's latest tasks `TaskProgressBoard.list` shows."""


class TaskProgress(BaseModel):
    """Where a background task is: status, items done out of total, result or error."""

    model_config = ConfigDict(extra="forbid")

    task_id: str
    task_type: str
    workspace_id: str
    status: TaskStatus = Field(default="running", description="`queued` until a worker takes it")
    done: int = Field(default=0, ge=0)
    total: int | None = Field(default=None, ge=0)
    message: str = ""
    started_at: UtcDatetime
    updated_at: UtcDatetime
    result: dict[str, JsonValue] = Field(default_factory=dict)
    error: str | None = None


class TaskProgressBoard:
    """Reads and writes `TaskProgress` records (expiring after a week) in a `Cache`.

    Each workspace also has an index of its latest task ids (newest first, at most `INDEX_SIZE`) for
    `list`. Two processes recording a task at the same instant may lose one index entry; the task itself
    stays readable by id.
    """

    def __init__(self, cache: Cache, clock: Clock) -> None:
        self._cache = cache
        self._clock = clock
        self._index_lock = threading.Lock()

    @staticmethod
    def _key(workspace_id: str, task_id: str) -> str:
        return f"task-progress:{workspace_id}:{task_id}"

    @staticmethod
    def _index_key(workspace_id: str) -> str:
        return f"task-index:{workspace_id}"

    def _task_ids(self, workspace_id: str) -> list[str]:
        raw = self._cache.get(self._index_key(workspace_id))
        ids = json.loads(raw) if raw is not None else []
        return [task_id for task_id in ids if isinstance(task_id, str)] if isinstance(ids, list) else []

    def _remember(self, workspace_id: str, task_id: str) -> None:
        with self._index_lock:
            ids = self._task_ids(workspace_id)
            if task_id in ids:
                return
            ids = [task_id, *ids][:INDEX_SIZE]
            self._cache.set(self._index_key(workspace_id), json.dumps(ids), ttl_seconds=_TTL_SECONDS)

    def list(self, workspace_id: str) -> list[TaskProgress]:
        """The workspace's latest tasks, newest first (expired ones left out)."""
        found = (self.get(workspace_id, task_id) for task_id in self._task_ids(workspace_id))
        return [progress for progress in found if progress is not None]

    def get(self, workspace_id: str, task_id: str) -> TaskProgress | None:
        """The task's progress, or None if unknown (or expired)."""
        raw = self._cache.get(self._key(workspace_id, task_id))
        return TaskProgress.model_validate_json(raw) if raw is not None else None

    def _save(self, progress: TaskProgress) -> TaskProgress:
        self._cache.set(
            self._key(progress.workspace_id, progress.task_id),
            progress.model_dump_json(),
            ttl_seconds=_TTL_SECONDS,
        )
        return progress

    def start(self, workspace_id: str, task_id: str, task_type: str) -> TaskProgress:
        """Record a (re)started task."""
        return self._record(workspace_id, task_id, task_type, "running")

    def queue(self, workspace_id: str, task_id: str, task_type: str) -> TaskProgress:
        """Record a task waiting for a worker."""
        return self._record(workspace_id, task_id, task_type, "queued")

    def _record(self, workspace_id: str, task_id: str, task_type: str, status: TaskStatus) -> TaskProgress:
        now: datetime = self._clock.now()
        progress = self._save(
            TaskProgress(
                task_id=task_id,
                task_type=task_type,
                workspace_id=workspace_id,
                status=status,
                started_at=now,
                updated_at=now,
            )
        )
        self._remember(workspace_id, task_id)
        return progress

    def update(
        self, progress: TaskProgress, *, done: int, total: int | None = None, message: str = ""
    ) -> TaskProgress:
        """Record items done (and the total, once known)."""
        changes = {"done": done, "message": message, "updated_at": self._clock.now()}
        if total is not None:
            changes["total"] = total
        return self._save(progress.model_copy(update=changes))

    def finish(
        self, progress: TaskProgress, *, result: dict[str, JsonValue] | None = None, error: str | None = None
    ) -> TaskProgress:
        """Record the end: succeeded with a result, or failed with an error."""
        changes = {
            "status": "failed" if error is not None else "succeeded",
            "result": result or {},
            "error": error,
            "updated_at": self._clock.now(),
        }
        return self._save(progress.model_copy(update=changes))
