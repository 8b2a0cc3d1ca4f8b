"""Executions, their append-only history and their node results."""

from __future__ import annotations

import builtins
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager, nullcontext
from datetime import datetime
from typing import Any

from pydantic import JsonValue

from deca.errors import ConflictError, InputError
from deca.stores.base import DEFAULT_LIMIT, MAX_LIMIT
from deca.stores.collection import Collection
from deca.stores.models import (
    ExecutionMetrics,
    ExecutionRecord,
    ExecutionStatus,
    HistoryEvent,
    NodeResult,
    Page,
    format_timestamp,
)
from deca.stores.tables import Cond, Doc, DuplicateKey, Query

__all__ = ["ExecutionStore"]

_NEWEST_FIRST = (("start_time", True), ("execution_id", True))
_MAX_APPEND_ATTEMPTS = 100


class ExecutionStore:
    """The `ExecutionRepository` over three collections."""

    def __init__(
        self,
        executions: Collection[ExecutionRecord],
        history: Collection[HistoryEvent],
        node_results: Collection[NodeResult],
        *,
        atomic: Callable[[], AbstractContextManager[bool]] = lambda: nullcontext(False),
    ) -> None:
        self._executions = executions
        self._history = history
        self._node_results = node_results
        self._atomic = atomic

    def _find_by_name(self, workspace_id: str, flow_id: str, name: str) -> ExecutionRecord | None:
        equal = {"workspace_id": workspace_id, "flow_id": flow_id, "name": name}
        page = self._executions.page(equal, _NEWEST_FIRST, limit=1, cursor=None)
        return page.items[0] if page.items else None

    def create(self, workspace_id: str, execution: ExecutionRecord, /) -> ExecutionRecord:
        """Store a new execution, or return the existing one of the same flow with the same `name`."""
        try:
            return self._executions.insert(workspace_id, execution)
        except ConflictError:
            # The name is taken (by an earlier start or a concurrent one): that start is the execution.
            if execution.name is not None:
                existing = self._find_by_name(workspace_id, execution.flow_id, execution.name)
                if existing is not None and existing.execution_id != execution.execution_id:
                    return existing
            raise

    def get(self, workspace_id: str, execution_id: str, /) -> ExecutionRecord:
        """The execution; `NotFoundError` if missing."""
        return self._executions.get(self._executions.key(workspace_id, execution_id))

    def _must_exist(self, workspace_id: str, execution_id: str) -> None:
        """`NotFoundError` unless the execution exists (its document is not parsed into a record)."""
        key = self._executions.key(workspace_id, execution_id)
        if self._executions.table.get(key) is None:
            raise self._executions.not_found(key)

    def get_by_name(self, workspace_id: str, flow_id: str, name: str, /) -> ExecutionRecord:
        """The execution of a flow started with this name; `NotFoundError` if none."""
        found = self._find_by_name(workspace_id, flow_id, name)
        if found is None:
            raise self._executions.not_found(
                {"workspace_id": workspace_id, "execution_id": f"{flow_id}/{name}"}
            )
        return found

    def list(
        self,
        workspace_id: str,
        /,
        *,
        flow_id: str | None = None,
        status: ExecutionStatus | None = None,
        started_after: datetime | None = None,
        started_before: datetime | None = None,
        limit: int = DEFAULT_LIMIT,
        cursor: str | None = None,
    ) -> Page[ExecutionRecord]:
        """Executions, newest start first; `started_after` is inclusive, `started_before` exclusive."""
        ranges = []
        if started_after is not None:
            ranges.append(Cond("start_time", "gte", format_timestamp(started_after)))
        if started_before is not None:
            ranges.append(Cond("start_time", "lt", format_timestamp(started_before)))
        equal = {"workspace_id": workspace_id, "flow_id": flow_id, "status": status}
        return self._executions.page(equal, _NEWEST_FIRST, limit=limit, cursor=cursor, ranges=ranges)

    def update_status(
        self,
        workspace_id: str,
        execution_id: str,
        status: ExecutionStatus,
        /,
        *,
        end_time: datetime | None = None,
        output: JsonValue = None,
        error_details: dict[str, JsonValue] | None = None,
        metrics: ExecutionMetrics | None = None,
        expected_status: ExecutionStatus | None = None,
    ) -> ExecutionRecord:
        """Set the status and every other argument that is not None, atomically."""
        key = self._executions.key(workspace_id, execution_id)
        changes: dict[str, Any] = {"status": status}
        if end_time is not None:
            changes["end_time"] = format_timestamp(end_time)
        if output is not None:
            changes["output"] = output
        if error_details is not None:
            changes["error_details"] = error_details
        if metrics is not None:
            changes["metrics"] = metrics.model_dump(mode="json")
        expect = {"status": expected_status} if expected_status is not None else {}
        updated = self._executions.update(key, changes, expect)
        if updated is None:
            current = self.get(workspace_id, execution_id)  # NotFoundError when missing
            raise self._executions.conflict(key, f"is {current.status}, not {expected_status}")
        return updated

    def append_history(self, workspace_id: str, event: HistoryEvent, /) -> HistoryEvent:
        """Append an event to its execution's history; returns it with its `event_id` (1, 2, ...)."""
        doc = self._history.dump(workspace_id, event)
        self._must_exist(workspace_id, event.execution_id)
        (event_id,) = self._append(workspace_id, event.execution_id, [doc])
        return event.model_copy(update={"event_id": event_id})

    def _last_event_id(self, workspace_id: str, execution_id: str) -> int:
        where = (Cond("workspace_id", "eq", workspace_id), Cond("execution_id", "eq", execution_id))
        found = self._history.table.find(Query(where=where, order=(("event_id", True),), after=None, limit=1))
        return int(found[0]["event_id"]) if found else 0

    def _append(
        self, workspace_id: str, execution_id: str, events: Sequence[Doc], *, last: int | None = None
    ) -> Sequence[int]:
        """Number and insert the events (stored documents) after the last stored one (`last`, if read
        already), each taking the next free number on a clash with a concurrent writer; their numbers."""
        numbered: builtins.list[int] = []
        for doc in events:
            for _ in range(_MAX_APPEND_ATTEMPTS):
                if last is None:
                    last = self._last_event_id(workspace_id, execution_id)
                try:
                    self._history.table.insert({**doc, "event_id": last + 1})
                except DuplicateKey:
                    last = None  # another writer took this number: take the next one
                    continue
                last += 1
                numbered.append(last)
                break
            else:
                raise self._history.conflict(
                    {"workspace_id": workspace_id, "execution_id": execution_id}, "is contended"
                )
        return numbered

    def record_progress(
        self,
        workspace_id: str,
        execution_id: str,
        events: Sequence[HistoryEvent],
        results: Sequence[NodeResult],
        /,
    ) -> Sequence[int]:
        """Append history events and store node results of one execution, in one transaction on SQLite.

        The last stored event's number is read before the transaction (so the file's write lock is held
        for the writes alone); in a transaction the events are inserted together after it, and if another
        writer appended meanwhile the transaction is undone and done again after the new last one.
        """
        event_docs = [event.stored_document() for event in events]
        result_docs = [result.stored_document() for result in results]
        for doc in (*event_docs, *result_docs):
            if doc["workspace_id"] != workspace_id:
                raise InputError(f"a record of workspace {doc['workspace_id']!r}, not {workspace_id!r}")
            if doc["execution_id"] != execution_id:
                raise InputError(f"a record of execution {doc['execution_id']!r} among {execution_id!r}'s")
        self._must_exist(workspace_id, execution_id)
        for _ in range(_MAX_APPEND_ATTEMPTS):
            last = self._last_event_id(workspace_id, execution_id) if event_docs else 0
            numbered_docs = [{**doc, "event_id": last + 1 + i} for i, doc in enumerate(event_docs)]
            try:
                with self._atomic() as exclusive:
                    if exclusive:
                        self._history.table.insert_many(numbered_docs)
                        numbered: Sequence[int] = range(last + 1, last + 1 + len(event_docs))
                    else:
                        numbered = self._append(workspace_id, execution_id, event_docs, last=last)
                    self._put_results(result_docs)
                return numbered
            except DuplicateKey:
                continue  # (a transaction's insert) another writer appended after `last`: all undone, again
        raise self._history.conflict(
            {"workspace_id": workspace_id, "execution_id": execution_id}, "is contended"
        )

    def _put_results(self, result_docs: Sequence[Doc]) -> None:
        try:
            self._node_results.table.put_many(result_docs)
        except DuplicateKey:
            for doc in result_docs:  # which one collides (the block's writes are undone anyway)
                try:
                    self._node_results.table.put(doc)
                except DuplicateKey as exc:
                    raise self._node_results.conflict(doc) from exc
            raise self._node_results.conflict(result_docs[0]) from None

    def get_history(
        self, workspace_id: str, execution_id: str, /, *, limit: int = MAX_LIMIT, cursor: str | None = None
    ) -> Page[HistoryEvent]:
        """An execution's history, oldest first."""
        self._must_exist(workspace_id, execution_id)
        equal = {"workspace_id": workspace_id, "execution_id": execution_id}
        return self._history.page(equal, (("event_id", False),), limit=limit, cursor=cursor)

    def put_node_result(self, workspace_id: str, result: NodeResult, /) -> NodeResult:
        """Store or replace the result of one attempt of one node."""
        self._node_results.dump(workspace_id, result)
        self._must_exist(workspace_id, result.execution_id)
        return self._node_results.put(workspace_id, result)

    def list_node_results(
        self, workspace_id: str, execution_id: str, /, *, limit: int = MAX_LIMIT, cursor: str | None = None
    ) -> Page[NodeResult]:
        """An execution's node results, in start order."""
        self._must_exist(workspace_id, execution_id)
        equal = {"workspace_id": workspace_id, "execution_id": execution_id}
        order = (("started_at", False), ("node_id", False), ("attempt", False))
        return self._node_results.page(equal, order, limit=limit, cursor=cursor)

    def delete(self, workspace_id: str, execution_id: str, /) -> bool:
        """Remove the execution with its history and node results; whether it existed.

        The history and node results go first, so an interrupted delete leaves the execution listed and a
        repeated delete finishes the job.
        """
        where = {"workspace_id": workspace_id, "execution_id": execution_id}
        self._history.table.delete_where(where)
        self._node_results.table.delete_where(where)
        return self._executions.table.delete(self._executions.key(workspace_id, execution_id))
