"""The human task store: one table on the stores' backends (memory, SQLite, MongoDB), optimistic updates."""

from __future__ import annotations

import builtins
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from deca.errors import ConflictError
from deca.hitl.models import HumanTask, HumanTaskStatus
from deca.stores.collection import Collection
from deca.stores.models import Page, format_timestamp
from deca.stores.tables import Cond, Query, Table, TableSpec

if TYPE_CHECKING:
    from pymongo.database import Database

    from deca.stores.tables import Doc

__all__ = [
    "HUMAN_TASKS",
    "HumanTaskStore",
    "memory_human_tasks",
    "mongo_human_tasks",
    "sqlite_human_tasks",
]

HUMAN_TASKS = TableSpec(
    name="hitl_requests",
    key=("workspace_id", "request_id"),
    indexes=(
        ("workspace_id", "status", "created_at"),
        ("workspace_id", "execution_id"),
        ("status", "escalate_at"),
        ("status", "expires_at"),
    ),
)
_ORDER = (("created_at", True), ("request_id", False))


class HumanTaskStore:
    """Approval and form requests, scoped by workspace; every change is a compare-and-set on `revision`."""

    def __init__(self, table: Table) -> None:
        self._items = Collection(table, HumanTask, "human_task")

    def create(self, workspace_id: str, task: HumanTask, /) -> HumanTask:
        """Store a new request; if it exists already (a retried node task), the stored one."""
        try:
            return self._items.insert(workspace_id, task)
        except ConflictError:
            return self.get(workspace_id, task.request_id)

    def find(self, workspace_id: str, request_id: str, /) -> HumanTask | None:
        """The request, or None."""
        return self._items.find(self._items.key(workspace_id, request_id))

    def get(self, workspace_id: str, request_id: str, /) -> HumanTask:
        """The request; `NotFoundError` if missing (or of another workspace)."""
        return self._items.get(self._items.key(workspace_id, request_id))

    def save(self, workspace_id: str, old: HumanTask, new: HumanTask, /) -> HumanTask | None:
        """Replace `old` by `new` (revision bumped) unless it changed meanwhile; the stored record or None."""
        bumped = new.model_copy(update={"revision": old.revision + 1})
        doc = self._items.dump(workspace_id, bumped)
        changes = {k: v for k, v in doc.items() if k not in HUMAN_TASKS.key}
        return self._items.update(
            self._items.key(workspace_id, old.request_id), changes, {"revision": old.revision}
        )

    def list(
        self,
        workspace_id: str,
        /,
        *,
        status: HumanTaskStatus | None = None,
        execution_id: str | None = None,
        limit: int = 50,
        cursor: str | None = None,
    ) -> Page[HumanTask]:
        """Requests of the workspace, newest first, optionally of one status or execution."""
        equal = {"workspace_id": workspace_id, "status": status, "execution_id": execution_id}
        return self._items.page(equal, _ORDER, limit=limit, cursor=cursor)

    def due(
        self,
        field: Literal["escalate_at", "expires_at"],
        status: HumanTaskStatus,
        now: datetime,
        limit: int = 100,
    ) -> builtins.list[HumanTask]:
        """Requests of every workspace in `status` whose `field` is at or before `now` (for the sweeper)."""
        where = (Cond("status", "eq", status), Cond(field, "lte", format_timestamp(now)))
        docs = self._items.table.find(Query(where=where, order=((field, False),), after=None, limit=limit))
        return [self._items.load(doc) for doc in docs]


def memory_human_tasks() -> HumanTaskStore:
    """A store in process memory."""
    import threading

    from deca.stores.memory import MemoryTable

    return HumanTaskStore(MemoryTable(HUMAN_TASKS, threading.RLock()))


def sqlite_human_tasks(path: str | Path) -> HumanTaskStore:
    """A store in a SQLite file (the local default beside the other stores)."""
    from deca.stores.local import SqliteBackend

    return HumanTaskStore(SqliteBackend(path).table(HUMAN_TASKS))


def mongo_human_tasks(database: Database[Doc], *, create_indexes: bool = False) -> HumanTaskStore:
    """A store in a MongoDB collection (`hitl_requests`)."""
    from deca.stores.mongo import MongoTable

    table = MongoTable(HUMAN_TASKS, database[HUMAN_TASKS.name])
    if create_indexes:
        table.ensure_indexes()
    return HumanTaskStore(table)
