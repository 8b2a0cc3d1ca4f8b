"""The background tasks: execution retention clean-up, JSON-lines export, reports, object-store maintenance.

Each task is a pure function over ports (executions, object store) that reports progress
through a callback and returns a JSON-able result. Each is safe to run again after a crash:
deleting is idempotent and outputs are written to keys derived from the task id.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, JsonValue, StrictBool, StrictInt

from deca.stores.base import MAX_LIMIT, ExecutionRepository
from deca.stores.models import ExecutionRecord, ExecutionStatus, IsoUtcDatetime, format_timestamp
from deca.tasks.object_store import ObjectStore

__all__ = [
    "ExportParams",
    "MaintenanceParams",
    "Progress",
    "ReportParams",
    "RetentionParams",
    "clean_up_executions",
    "execution_report",
    "export_executions",
    "iter_executions",
    "remove_old_objects",
]

Progress = Callable[[int, int | None, str], None]
"""Reports `(done, total or None, message)`."""
TerminalStatus = Literal["succeeded", "failed", "cancelled", "timed_out"]
_TERMINAL: list[TerminalStatus] = ["succeeded", "failed", "cancelled", "timed_out"]


class _Params(BaseModel):
    """Parameters a caller gives: unknown fields are errors, numbers and flags are not coerced from other types."""

    model_config = ConfigDict(extra="forbid")


class RetentionParams(_Params):
    """Delete ended executions that started more than `older_than_days` ago."""

    older_than_days: StrictInt = Field(default=30, ge=1, le=3650)
    statuses: list[TerminalStatus] = Field(default_factory=lambda: list(_TERMINAL), min_length=1)
    flow_id: str | None = None


class ExportParams(_Params):
    """Export executions (optionally filtered) as JSON lines."""

    flow_id: str | None = None
    status: ExecutionStatus | None = None
    started_after: IsoUtcDatetime | None = None
    started_before: IsoUtcDatetime | None = None
    include_history: StrictBool = False


class ReportParams(_Params):
    """Summarise the executions started in `[since, until)` per flow and status."""

    since: IsoUtcDatetime | None = Field(default=None, description="Default: 24 hours before `until`")
    until: IsoUtcDatetime | None = Field(default=None, description="Default: now")
    flow_id: str | None = None


class MaintenanceParams(_Params):
    """Remove exports and reports older than `older_than_days` from the object store."""

    older_than_days: StrictInt = Field(default=30, ge=1, le=3650)
    prefixes: list[str] = Field(default_factory=lambda: ["exports/", "reports/"], min_length=1)


def iter_executions(
    executions: ExecutionRepository,
    workspace_id: str,
    *,
    flow_id: str | None = None,
    status: ExecutionStatus | None = None,
    started_after: datetime | None = None,
    started_before: datetime | None = None,
) -> Iterator[ExecutionRecord]:
    """Every matching execution, newest first, page by page."""
    cursor: str | None = None
    while True:
        page = executions.list(
            workspace_id,
            flow_id=flow_id,
            status=status,
            started_after=started_after,
            started_before=started_before,
            limit=MAX_LIMIT,
            cursor=cursor,
        )
        yield from page.items
        if page.next_cursor is None:
            return
        cursor = page.next_cursor


def clean_up_executions(
    executions: ExecutionRepository,
    workspace_id: str,
    params: RetentionParams,
    *,
    now: datetime,
    progress: Progress,
) -> dict[str, JsonValue]:
    """Delete the old ended executions with their history and node results; returns `{deleted, cutoff}`."""
    cutoff = now - timedelta(days=params.older_than_days)
    doomed = [
        record.execution_id
        for status in params.statuses
        for record in iter_executions(
            executions, workspace_id, flow_id=params.flow_id, status=status, started_before=cutoff
        )
    ]
    progress(0, len(doomed), "deleting executions")
    for done, execution_id in enumerate(doomed, start=1):
        executions.delete(workspace_id, execution_id)
        progress(done, len(doomed), "deleting executions")
    return {"deleted": len(doomed), "cutoff": format_timestamp(cutoff)}


def export_executions(
    executions: ExecutionRepository,
    objects: ObjectStore,
    workspace_id: str,
    params: ExportParams,
    *,
    key: str,
    progress: Progress,
) -> dict[str, JsonValue]:
    """Write matching executions as JSON lines to `key`; returns `{key, count, bytes}`."""
    lines: list[str] = []
    for record in iter_executions(
        executions,
        workspace_id,
        flow_id=params.flow_id,
        status=params.status,
        started_after=params.started_after,
        started_before=params.started_before,
    ):
        document = record.model_dump(mode="json", by_alias=True)
        if params.include_history:
            history = executions.get_history(workspace_id, record.execution_id).items
            document["history"] = [event.model_dump(mode="json") for event in history]
        lines.append(json.dumps(document, separators=(",", ":"), sort_keys=True))
        progress(len(lines), None, "exporting executions")
    data = ("\n".join(lines) + "\n" if lines else "").encode()
    objects.put(key, data, content_type="application/x-ndjson")
    return {"key": key, "count": len(lines), "bytes": len(data)}


def execution_report(
    executions: ExecutionRepository,
    objects: ObjectStore,
    workspace_id: str,
    params: ReportParams,
    *,
    now: datetime,
    key: str,
    progress: Progress,
) -> dict[str, JsonValue]:
    """Count executions per flow and status with mean duration; stores the report as JSON at `key`."""
    until = params.until or now
    since = params.since or until - timedelta(days=1)
    counts: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    durations: dict[str, list[int]] = defaultdict(list)
    seen = 0
    for record in iter_executions(
        executions, workspace_id, flow_id=params.flow_id, started_after=since, started_before=until
    ):
        counts[record.flow_id][record.status] += 1
        if record.metrics.duration_ms is not None:
            durations[record.flow_id].append(record.metrics.duration_ms)
        seen += 1
        progress(seen, None, "reading executions")
    flows: dict[str, JsonValue] = {
        flow_id: {
            "total": sum(by_status.values()),
            "by_status": dict(sorted(by_status.items())),
            "mean_duration_ms": round(sum(durations[flow_id]) / len(durations[flow_id]))
            if durations[flow_id]
            else None,
        }
        for flow_id, by_status in sorted(counts.items())
    }
    report: dict[str, JsonValue] = {
        "workspace_id": workspace_id,
        "since": format_timestamp(since),
        "until": format_timestamp(until),
        "total": seen,
        "flows": flows,
    }
    objects.put(key, json.dumps(report, indent=2, sort_keys=True).encode(), content_type="application/json")
    return {"key": key, **report}


def remove_old_objects(
    objects: ObjectStore, workspace_id: str, params: MaintenanceParams, *, now: datetime, progress: Progress
) -> dict[str, JsonValue]:
    """Delete the workspace's objects under the prefixes last written before the cutoff; returns `{deleted}`."""
    cutoff = now - timedelta(days=params.older_than_days)
    old = [
        info.key
        for prefix in params.prefixes
        for info in objects.list(f"{prefix.rstrip('/')}/{workspace_id}/")
        if info.last_modified < cutoff
    ]
    for done, key in enumerate(old, start=1):
        objects.delete(key)
        progress(done, len(old), "deleting old objects")
    deleted: list[JsonValue] = list(old)
    return {"deleted": len(old), "keys": deleted}
