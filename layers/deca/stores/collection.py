"""A table of one record model: tenancy checks, error translation and keyset pages, shared by every repository."""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Mapping, Sequence
from typing import Any, Generic, TypeVar

from deca.errors import ConflictError, InputError, NotFoundError
from deca.stores.base import MAX_LIMIT
from deca.stores.models import Page, Record
from deca.stores.tables import Cond, Doc, DuplicateKey, Query, Table

__all__ = ["Collection", "decode_cursor", "encode_cursor"]

M = TypeVar("M", bound=Record)


Order = Sequence[tuple[str, bool]]


def _order_tag(table: str, order: Order) -> str:
    """Names the listing a cursor belongs to, so a cursor of another listing is refused."""
    return table + ":" + ",".join(f"{name}{'-' if desc else '+'}" for name, desc in order)


def encode_cursor(tag: str, values: Sequence[Any]) -> str:
    """An opaque cursor holding the listing's tag and the sort values of the last item of a page."""
    raw = json.dumps([tag, list(values)], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")


def decode_cursor(cursor: str, tag: str) -> tuple[Any, ...]:
    """The sort values inside a cursor; `InputError` if it is not one of ours for this listing."""
    try:
        decoded = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except (binascii.Error, ValueError, UnicodeDecodeError) as exc:
        raise InputError(f"invalid cursor {cursor!r}") from exc
    if not (
        isinstance(decoded, list) and len(decoded) == 2 and decoded[0] == tag and isinstance(decoded[1], list)
    ):
        raise InputError(f"invalid cursor {cursor!r} for this listing")
    return tuple(decoded[1])


def _check_limit(limit: int) -> None:
    if not 1 <= limit <= MAX_LIMIT:
        raise InputError(f"limit must be between 1 and {MAX_LIMIT}, got {limit}")


class Collection(Generic[M]):
    """Records of one model in one table; `resource` names them in errors."""

    def __init__(self, table: Table, model: type[M], resource: str) -> None:
        self.table = table
        self.model = model
        self.resource = resource
        # The concrete page model, held here: pydantic caches `Page[X]` weakly, and a `Page[M]` built per
        # call was rebuilt as a new class whenever that cache had let it go (~1 ms each, under load).
        self._page: type[Page[M]] = Page[model]  # type: ignore[valid-type]

    def key(self, workspace_id: str, *ids: Any) -> dict[str, Any]:
        """The table key of a record from its workspace and ids, in key order."""
        return dict(zip(self.table.spec.key, (workspace_id, *ids), strict=True))

    def dump(self, workspace_id: str, record: M) -> Doc:
        """The record as a stored document; `InputError` if it belongs to another workspace."""
        doc = record.model_dump(mode="json", by_alias=True)
        if doc.get("workspace_id") != workspace_id:
            raise InputError(
                f"{self.resource} belongs to workspace {doc.get('workspace_id')!r}, not {workspace_id!r}"
            )
        return doc

    def load(self, doc: Mapping[str, Any]) -> M:
        """The record of a stored document (internal `_` fields dropped)."""
        return self.model.model_validate({k: v for k, v in doc.items() if not k.startswith("_")})

    def _name(self, key: Mapping[str, Any]) -> str:
        return "/".join(str(key[f]) for f in self.table.spec.key[1:]) or str(key[self.table.spec.key[0]])

    def not_found(self, key: Mapping[str, Any]) -> NotFoundError:
        """The error for a missing record."""
        name = self._name(key)
        return NotFoundError(f"{self.resource} {name!r} not found", resource=self.resource, resource_id=name)

    def conflict(self, key: Mapping[str, Any], why: str = "already exists") -> ConflictError:
        """The error for a colliding record."""
        name = self._name(key)
        return ConflictError(f"{self.resource} {name!r} {why}", resource=self.resource, resource_id=name)

    def find(self, key: Mapping[str, Any]) -> M | None:
        """The record with this key, or None."""
        doc = self.table.get(key)
        return self.load(doc) if doc is not None else None

    def get(self, key: Mapping[str, Any]) -> M:
        """The record with this key; `NotFoundError` if missing."""
        record = self.find(key)
        if record is None:
            raise self.not_found(key)
        return record

    def insert(self, workspace_id: str, record: M, extra: Mapping[str, Any] | None = None) -> M:
        """Store a new record (with internal `extra` fields); `ConflictError` on a collision."""
        doc = {**self.dump(workspace_id, record), **(extra or {})}
        try:
            self.table.insert(doc)
        except DuplicateKey as exc:
            raise self.conflict(doc) from exc
        return record

    def put(self, workspace_id: str, record: M) -> M:
        """Store or replace a record by its key."""
        doc = self.dump(workspace_id, record)
        try:
            self.table.put(doc)
        except DuplicateKey as exc:
            raise self.conflict(doc) from exc
        return record

    def update(
        self, key: Mapping[str, Any], changes: Mapping[str, Any], expect: Mapping[str, Any] | None = None
    ) -> M | None:
        """Set fields of a stored record if it matches `expect`; the new record or None."""
        try:
            doc = self.table.update(key, changes, expect or {})
        except DuplicateKey as exc:
            raise self.conflict(key, "collides with another record") from exc
        return self.load(doc) if doc is not None else None

    def replace(self, workspace_id: str, record: M, keep: Sequence[str] = ()) -> M:
        """Overwrite a stored record's fields except `keep`; `NotFoundError` if missing."""
        doc = self.dump(workspace_id, record)
        key = {f: doc[f] for f in self.table.spec.key}
        updated = self.update(key, {k: v for k, v in doc.items() if k not in keep})
        if updated is None:
            raise self.not_found(key)
        return updated

    def remove(self, key: Mapping[str, Any]) -> None:
        """Delete a record; `NotFoundError` if missing."""
        if not self.table.delete(key):
            raise self.not_found(key)

    def page(
        self,
        equal: Mapping[str, Any],
        order: Order,
        *,
        limit: int,
        cursor: str | None,
        ranges: Sequence[Cond] = (),
    ) -> Page[M]:
        """One page of the records whose fields equal `equal` (None values ignored) and match `ranges`."""
        _check_limit(limit)
        where = tuple(Cond(f, "eq", v) for f, v in equal.items() if v is not None) + tuple(ranges)
        tag = _order_tag(self.table.spec.name, order)
        after = decode_cursor(cursor, tag) if cursor is not None else None
        docs = self.table.find(Query(where=where, order=tuple(order), after=after, limit=limit + 1))
        items = [self.load(doc) for doc in docs[:limit]]
        next_cursor = (
            encode_cursor(tag, [docs[limit - 1][f] for f, _ in order]) if len(docs) > limit else None
        )
        return self._page(items=items, next_cursor=next_cursor)
