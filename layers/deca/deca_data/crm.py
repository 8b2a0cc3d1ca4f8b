"""CRM records (contacts, companies, deals, activities): create with match, read, update, delete, search."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from deca.clock import Clock
from deca.deca_data.errors import CrmError, RecordNotFound
from deca.deca_data.filters import compile_filter, order_by, parse_order
from deca.deca_data.models import CrmEntity, CrmRecord
from deca.deca_data.records import IdFactory, scan
from deca.stores.collection import Collection

__all__ = ["REQUIRED_FIELDS", "CrmStore", "check_crm_data"]

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_ORDER = (("created_at", True), ("record_id", False))
_PREFIX: dict[CrmEntity, str] = {"contact": "ct", "company": "co", "deal": "dl", "activity": "ac"}

REQUIRED_FIELDS: dict[CrmEntity, tuple[tuple[str, ...], ...]] = {
    "contact": (("email", "name"),),
    "company": (("name",),),
    "deal": (("name",),),
    "activity": (("type",),),
}
"""Per entity, groups of fields of which at least one must be set (contact: email or name)."""


def check_crm_data(entity: CrmEntity, data: dict[str, Any], *, partial: bool = False) -> None:
    """Raise `CrmError` naming the field when `data` breaks the entity's rules."""
    if not partial:
        for group in REQUIRED_FIELDS[entity]:
            if all(data.get(name) in (None, "") for name in group):
                raise CrmError(f"data.{group[0]}: a {entity} needs {' or '.join(group)}")
    email = data.get("email")
    if email is not None and not (isinstance(email, str) and _EMAIL.match(email)):
        raise CrmError(f"data.email: {email!r} is not an email address")
    amount = data.get("amount")
    if (
        entity == "deal"
        and amount is not None
        and (isinstance(amount, bool) or not isinstance(amount, (int, float)))
    ):
        raise CrmError(f"data.amount: expects a number, got {type(amount).__name__}")


def _project(record: CrmRecord, properties: Sequence[str] | None) -> dict[str, Any]:
    """The record as output: id, entity, its data (only `properties` when given) and timestamps."""
    data = record.data if properties is None else {k: v for k, v in record.data.items() if k in properties}
    stamps = record.model_dump(mode="json", include={"created_at", "updated_at"})
    return {"id": record.record_id, "entity": record.entity, **data, **stamps}


class CrmStore:
    """The CRM repository (every method takes the workspace first)."""

    project = staticmethod(_project)

    def __init__(self, records: Collection[CrmRecord], clock: Clock, new_id: IdFactory) -> None:
        self._records = records
        self._clock = clock
        self._new_id = new_id

    def get(self, workspace_id: str, entity: CrmEntity, record_id: str) -> CrmRecord:
        """The record; `RecordNotFound` if missing."""
        record = self._records.find(self._records.key(workspace_id, entity, record_id))
        if record is None:
            raise RecordNotFound(f"record_id: {entity} {record_id!r} not found")
        return record

    def create(
        self,
        workspace_id: str,
        entity: CrmEntity,
        data: dict[str, Any],
        *,
        match_on: Sequence[str] | None = None,
    ) -> tuple[CrmRecord, bool]:
        """A new record, or (with `match_on`) the existing one with equal values updated; (record, created)."""
        check_crm_data(entity, data)
        if match_on:
            missing = [f for f in match_on if data.get(f) is None]
            if missing:
                raise CrmError(f"match_on: field {missing[0]!r} has no value in data")
            match = {f: data[f] for f in match_on}
            existing = self.search(workspace_id, entity, filters=match, limit=1)
            if existing:
                return self.update(workspace_id, entity, existing[0].record_id, data), False
        now = self._clock.now()
        record = CrmRecord(
            workspace_id=workspace_id,
            entity=entity,
            record_id=self._new_id(_PREFIX[entity]),
            data=data,
            created_at=now,
            updated_at=now,
        )
        return self._records.insert(workspace_id, record), True

    def update(self, workspace_id: str, entity: CrmEntity, record_id: str, data: dict[str, Any]) -> CrmRecord:
        """Merge `data` into the record's fields (a None value removes the field)."""
        check_crm_data(entity, data, partial=True)
        record = self.get(workspace_id, entity, record_id)
        merged = {k: v for k, v in {**record.data, **data}.items() if v is not None}
        updated = record.model_copy(update={"data": merged, "updated_at": self._clock.now()})
        return self._records.replace(workspace_id, updated, keep=("created_at",))

    def delete(self, workspace_id: str, entity: CrmEntity, record_id: str) -> None:
        """Remove the record; `RecordNotFound` if missing."""
        if not self._records.table.delete(self._records.key(workspace_id, entity, record_id)):
            raise RecordNotFound(f"record_id: {entity} {record_id!r} not found")

    def search(
        self,
        workspace_id: str,
        entity: CrmEntity,
        *,
        query: str | None = None,
        filters: dict[str, Any] | None = None,
        sort: str | None = None,
        limit: int = 50,
    ) -> list[CrmRecord]:
        """Records whose text fields contain `query` and whose data match `filters`, sorted, at most `limit`."""
        predicate = compile_filter(filters, error=CrmError, where="filters")
        needle = query.lower() if query else None
        found = []
        for record in scan(self._records, {"workspace_id": workspace_id, "entity": entity}, _ORDER):
            if not predicate(record.data):
                continue
            if needle is not None and not any(
                isinstance(v, str) and needle in v.lower() for v in record.data.values()
            ):
                continue
            found.append(record)
            if sort is None and len(found) >= limit:
                break
        if sort is not None:
            found = order_by(found, parse_order([sort]), lambda r: r.data)
        return found[:limit]
