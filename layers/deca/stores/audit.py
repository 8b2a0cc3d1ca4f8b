"""The append-only audit log."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import datetime

from deca.stores.base import DEFAULT_LIMIT
from deca.stores.collection import Collection
from deca.stores.models import AuditRecord, Page, format_timestamp
from deca.stores.tables import Cond

__all__ = ["AuditStore"]

_NEWEST_FIRST = (("timestamp", True), ("_audit_id", True))


def _new_id() -> str:
    return uuid.uuid4().hex


class AuditStore:
    """The `AuditRepository`; each record gets an internal id that breaks timestamp ties in listings."""

    def __init__(self, records: Collection[AuditRecord], new_id: Callable[[], str] = _new_id) -> None:
        self._records = records
        self._new_id = new_id

    def append(self, workspace_id: str, record: AuditRecord, /) -> AuditRecord:
        """Record one audited action."""
        return self._records.insert(workspace_id, record, extra={"_audit_id": self._new_id()})

    def list(
        self,
        workspace_id: str,
        /,
        *,
        user_id: str | None = None,
        action: str | None = None,
        resource_id: str | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
        limit: int = DEFAULT_LIMIT,
        cursor: str | None = None,
    ) -> Page[AuditRecord]:
        """Audit records, newest first; `since` is inclusive, `until` exclusive."""
        ranges = []
        if since is not None:
            ranges.append(Cond("timestamp", "gte", format_timestamp(since)))
        if until is not None:
            ranges.append(Cond("timestamp", "lt", format_timestamp(until)))
        equal = {
            "workspace_id": workspace_id,
            "user_id": user_id,
            "action": action,
            "resource_id": resource_id,
        }
        return self._records.page(equal, _NEWEST_FIRST, limit=limit, cursor=cursor, ranges=ranges)
