"""Read-through caching of hot records in front of any stores: flows (records and versions) and executions.

The wrappers implement the same repository protocols as the stores they wrap. Reads of one record by id
(`flows.get`, `flows.get_version`, `executions.get`) are answered from the cache when it holds the record
and stored in it otherwise, for `ttl_seconds`. Every write through a wrapper deletes the keys it may have
made stale once the store has it (delete-on-write), so the next read through any wrapper on the same
shared cache sees it; a write that bypasses the wrappers is seen when the cached copy expires. Listings
and everything else pass straight through. Keys hold the workspace id, so workspaces never share one.

The cache is an accelerator, not a source of truth: when it fails, reads go to the store and the failure
is logged.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable, Hashable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from typing import TypeVar
from urllib.parse import quote

from pydantic import BaseModel, JsonValue

from deca.cache import Cache
from deca.errors import NotFoundError
from deca.stores.base import DEFAULT_LIMIT, MAX_LIMIT, ExecutionRepository, FlowRepository, Stores
from deca.stores.models import (
    ExecutionMetrics,
    ExecutionRecord,
    ExecutionStatus,
    FlowRecord,
    FlowStatus,
    FlowVersion,
    HistoryEvent,
    NodeResult,
    Page,
)

__all__ = ["CachedExecutions", "CachedFlows", "RecordCache", "cached_stores"]

logger = logging.getLogger(__name__)

M = TypeVar("M", bound=BaseModel)


class RecordCache:
    """Records as JSON under `store:<kind>:<workspace>:<ids...>` keys (each part URL-quoted) for a TTL."""

    def __init__(self, cache: Cache, *, ttl_seconds: float) -> None:
        self._cache = cache
        self._ttl = ttl_seconds

    @staticmethod
    def key(kind: str, workspace_id: str, *ids: object) -> str:
        """The key of one record; quoting keeps `:` inside an id from running into the next part."""
        return ":".join(["store", kind, *(quote(str(part), safe="") for part in (workspace_id, *ids))])

    @contextmanager
    def _tolerated(self, action: str, key: str) -> Iterator[None]:
        try:
            yield
        except Exception:  # the cache never fails a call the store can answer
            logger.warning("cache %s of %s failed; using the store", action, key, exc_info=True)

    def read(self, key: str, model: type[M], load: Callable[[], M]) -> M:
        """The cached record, else `load()`'s (then cached); errors of `load` propagate, nothing is cached."""
        text: str | None = None
        with self._tolerated("read", key):
            text = self._cache.get(key)
        if text is not None:
            return model.model_validate_json(text)
        record = load()
        with self._tolerated("write", key):
            self._cache.set(key, record.model_dump_json(by_alias=True), ttl_seconds=self._ttl)
        return record

    def forget(self, *keys: str) -> None:
        """Delete cached records (after a write made them stale)."""
        for key in keys:
            with self._tolerated("delete", key):
                self._cache.delete(key)


class CachedFlows:
    """A `FlowRepository` reading flow records and versions through a `RecordCache`."""

    def __init__(self, inner: FlowRepository, cache: RecordCache) -> None:
        self._inner = inner
        self._cache = cache

    def _record_key(self, workspace_id: str, flow_id: str) -> str:
        return self._cache.key("flow", workspace_id, flow_id)

    def _version_key(self, workspace_id: str, flow_id: str, version: int) -> str:
        return self._cache.key("flow-version", workspace_id, flow_id, version)

    def create(self, workspace_id: str, record: FlowRecord, /) -> FlowRecord:
        """Store a new flow (a cached flow of the same id, deleted earlier elsewhere, is forgotten)."""
        try:
            return self._inner.create(workspace_id, record)
        finally:
            self._cache.forget(self._record_key(workspace_id, record.flow_id))

    def create_with_version(
        self, workspace_id: str, record: FlowRecord, version: FlowVersion, /
    ) -> tuple[FlowRecord, FlowVersion]:
        """Store a new flow with its first version in one operation."""
        try:
            return self._inner.create_with_version(workspace_id, record, version)
        finally:
            self._cache.forget(
                self._record_key(workspace_id, record.flow_id),
                self._version_key(workspace_id, version.flow_id, version.version),
            )

    def get(self, workspace_id: str, record_id: str, /) -> FlowRecord:
        """The flow, from the cache when it holds it."""
        return self._cache.read(
            self._record_key(workspace_id, record_id),
            FlowRecord,
            lambda: self._inner.get(workspace_id, record_id),
        )

    def update(self, workspace_id: str, record: FlowRecord, /) -> FlowRecord:
        """Replace the flow's fields (e.g. publish a version)."""
        try:
            return self._inner.update(workspace_id, record)
        finally:
            self._cache.forget(self._record_key(workspace_id, record.flow_id))

    def delete(self, workspace_id: str, record_id: str, /) -> None:
        """Remove the flow and its versions, from the store and then from the cache."""
        try:
            latest = self._inner.get(workspace_id, record_id).latest_version
        except NotFoundError:
            latest = 0
        try:
            self._inner.delete(workspace_id, record_id)
        finally:
            self._cache.forget(
                self._record_key(workspace_id, record_id),
                *(self._version_key(workspace_id, record_id, n) for n in range(1, latest + 1)),
            )

    def add_version(self, workspace_id: str, version: FlowVersion, /) -> FlowVersion:
        """Store a new version (the flow's `latest_version` changes, so its cached record goes)."""
        try:
            return self._inner.add_version(workspace_id, version)
        finally:
            self._cache.forget(
                self._record_key(workspace_id, version.flow_id),
                self._version_key(workspace_id, version.flow_id, version.version),
            )

    def get_version(self, workspace_id: str, record_id: str, version: int, /) -> FlowVersion:
        """One version (immutable: the hot lookup of executions starts and webhooks)."""
        return self._cache.read(
            self._version_key(workspace_id, record_id, version),
            FlowVersion,
            lambda: self._inner.get_version(workspace_id, record_id, version),
        )

    def list_versions(
        self, workspace_id: str, record_id: str, /, *, limit: int = DEFAULT_LIMIT, cursor: str | None = None
    ) -> Page[FlowVersion]:
        """A flow's versions, newest first (not cached)."""
        return self._inner.list_versions(workspace_id, record_id, limit=limit, cursor=cursor)

    def list(
        self,
        workspace_id: str,
        /,
        *,
        status: FlowStatus | None = None,
        limit: int = DEFAULT_LIMIT,
        cursor: str | None = None,
    ) -> Page[FlowRecord]:
        """Flows ordered by name (not cached)."""
        return self._inner.list(workspace_id, status=status, limit=limit, cursor=cursor)

    def change_token(self) -> Hashable | None:
        """The stored flows' token (every write goes through to them)."""
        return self._inner.change_token()


class CachedExecutions:
    """An `ExecutionRepository` reading execution records through a `RecordCache`."""

    def __init__(self, inner: ExecutionRepository, cache: RecordCache) -> None:
        self._inner = inner
        self._cache = cache

    def _key(self, workspace_id: str, execution_id: str) -> str:
        return self._cache.key("execution", workspace_id, execution_id)

    def create(self, workspace_id: str, execution: ExecutionRecord, /) -> ExecutionRecord:
        """Store a new execution, or return the existing one with the same flow and name."""
        try:
            return self._inner.create(workspace_id, execution)
        finally:
            self._cache.forget(self._key(workspace_id, execution.execution_id))

    def get(self, workspace_id: str, execution_id: str, /) -> ExecutionRecord:
        """The execution, from the cache when it holds it."""
        return self._cache.read(
            self._key(workspace_id, execution_id),
            ExecutionRecord,
            lambda: self._inner.get(workspace_id, execution_id),
        )

    def get_by_name(self, workspace_id: str, flow_id: str, name: str, /) -> ExecutionRecord:
        """The execution of a flow started with this name (not cached)."""
        return self._inner.get_by_name(workspace_id, flow_id, name)

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
        """Executions, newest start first (not cached)."""
        return self._inner.list(
            workspace_id,
            flow_id=flow_id,
            status=status,
            started_after=started_after,
            started_before=started_before,
            limit=limit,
            cursor=cursor,
        )

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
        """Set the status and the other given fields atomically, then forget the cached record."""
        try:
            return self._inner.update_status(
                workspace_id,
                execution_id,
                status,
                end_time=end_time,
                output=output,
                error_details=error_details,
                metrics=metrics,
                expected_status=expected_status,
            )
        finally:
            self._cache.forget(self._key(workspace_id, execution_id))

    def append_history(self, workspace_id: str, event: HistoryEvent, /) -> HistoryEvent:
        """Append an event to its execution's history."""
        return self._inner.append_history(workspace_id, event)

    def record_progress(
        self,
        workspace_id: str,
        execution_id: str,
        events: Sequence[HistoryEvent],
        results: Sequence[NodeResult],
        /,
    ) -> Sequence[int]:
        """Append history events and store node results (the execution record itself is unchanged)."""
        return self._inner.record_progress(workspace_id, execution_id, events, results)

    def get_history(
        self, workspace_id: str, execution_id: str, /, *, limit: int = MAX_LIMIT, cursor: str | None = None
    ) -> Page[HistoryEvent]:
        """An execution's history, oldest first."""
        return self._inner.get_history(workspace_id, execution_id, limit=limit, cursor=cursor)

    def put_node_result(self, workspace_id: str, result: NodeResult, /) -> NodeResult:
        """Store or replace the result of one attempt of one node."""
        return self._inner.put_node_result(workspace_id, result)

    def list_node_results(
        self, workspace_id: str, execution_id: str, /, *, limit: int = MAX_LIMIT, cursor: str | None = None
    ) -> Page[NodeResult]:
        """An execution's node results, in start order."""
        return self._inner.list_node_results(workspace_id, execution_id, limit=limit, cursor=cursor)

    def delete(self, workspace_id: str, execution_id: str, /) -> bool:
        """Remove the execution with its history and node results; whether it existed."""
        try:
            return self._inner.delete(workspace_id, execution_id)
        finally:
            self._cache.forget(self._key(workspace_id, execution_id))


def cached_stores(stores: Stores, cache: Cache, *, ttl_seconds: float) -> Stores:
    """`stores` with flows and executions read through `cache` (the same `close` and `ensure_indexes`)."""
    records = RecordCache(cache, ttl_seconds=ttl_seconds)
    return dataclasses.replace(
        stores,
        flows=CachedFlows(stores.flows, records),
        executions=CachedExecutions(stores.executions, records),
    )
