"""The small document-table port every backend implements; repositories are written once on top of it.

A table holds JSON documents (what `model_dump(mode="json")` gives). Its spec names the key (always led by
`workspace_id` for tenant data), unique constraints, indexed fields, and an optional expiry field. Queries
are ANDed conditions on top-level fields, a sort order and a keyset (the sort values of the last row
seen), so every backend pages the same way. Keys starting with `_` are internal to the stores.
"""

from __future__ import annotations

import functools
from collections.abc import Hashable, Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Any, Literal, Protocol

__all__ = [
    "Cond",
    "Doc",
    "DuplicateKey",
    "Op",
    "Query",
    "Table",
    "TableBackend",
    "TableSpec",
    "keyset_branches",
    "matches",
    "sort_docs",
]

Doc = dict[str, Any]
Op = Literal["eq", "gt", "gte", "lt", "lte"]


class DuplicateKey(Exception):  # an internal signal: repositories translate it to ConflictError
    """An insert collided with the key or a unique constraint of the table."""


@dataclass(frozen=True)
class TableSpec:
    """A table's name, key, unique constraints (string fields, enforced when all are set) and indexes."""

    name: str
    key: tuple[str, ...]
    unique: tuple[tuple[str, ...], ...] = ()
    indexes: tuple[tuple[str, ...], ...] = ()
    ttl_field: str | None = None

    @property
    def fields(self) -> tuple[str, ...]:
        """Every field the table queries on: the key, unique and index fields, in first-seen order."""
        seen: dict[str, None] = {}
        for group in (self.key, *self.unique, *self.indexes):
            seen.update(dict.fromkeys(group))
        return tuple(seen)


@dataclass(frozen=True)
class Cond:
    """One condition `field <op> value` (value never None)."""

    field: str
    op: Op
    value: Any


@dataclass(frozen=True)
class Query:
    """ANDed conditions, a sort order of (field, descending), an optional keyset and a row limit."""

    where: tuple[Cond, ...]
    order: tuple[tuple[str, bool], ...]
    after: tuple[Any, ...] | None
    limit: int


class Table(Protocol):
    """A backend's table of JSON documents."""

    spec: TableSpec

    def insert(self, doc: Doc) -> None:
        """Add a document; raises `DuplicateKey` on a key or unique collision."""
        ...

    def put(self, doc: Doc) -> None:
        """Insert or replace the document with the same key."""
        ...

    def insert_many(self, docs: Sequence[Doc]) -> None:
        """Add the documents, in order; raises `DuplicateKey` on a collision.

        On a backend with transactions none of them stays after a collision; otherwise the ones before it do.
        """
        ...

    def put_many(self, docs: Sequence[Doc]) -> None:
        """Insert or replace each document (in order, as `put` one after the other)."""
        ...

    def get(self, key: Mapping[str, Any]) -> Doc | None:
        """The document with this key, or None."""
        ...

    def update(
        self, key: Mapping[str, Any], changes: Mapping[str, Any], expect: Mapping[str, Any]
    ) -> Doc | None:
        """Set top-level fields atomically if the stored fields equal `expect`; the new document or None.

        Raises `DuplicateKey` if the change collides with a unique constraint.
        """
        ...

    def delete(self, key: Mapping[str, Any]) -> bool:
        """Remove the document with this key; whether there was one."""
        ...

    def delete_where(self, where: Mapping[str, Any]) -> int:
        """Remove every document whose fields equal `where`; how many."""
        ...

    def find(self, query: Query) -> list[Doc]:
        """The documents matching the query, in its order, after its keyset, at most `limit`."""
        ...

    def change_token(self) -> Hashable | None:
        """A value that differs after any write to the table since it was taken, by anyone (None: this
        backend cannot tell). Caches of what is derived from the table compare it instead of reading."""
        ...


class TableBackend(Protocol):
    """Opens tables on one database; `ensure_indexes` creates the schema, `close` releases it."""

    def table(self, spec: TableSpec) -> Table:
        """The table for this spec."""
        ...

    def atomic(self) -> AbstractContextManager[bool]:
        """A block of writes on this backend's tables, committed together where the backend can.

        Yields True when a block that raises leaves none of its writes behind (a transaction); False when
        the backend cannot undo them, so the caller compensates (removes what it wrote) itself.
        """
        ...

    def ensure_indexes(self) -> None:
        """Create the tables' indexes (idempotent)."""
        ...

    def close(self) -> None:
        """Release connections."""
        ...


def keyset_branches(order: Sequence[tuple[str, bool]], after: Sequence[Any]) -> list[list[Cond]]:
    """The OR of AND-branches selecting rows strictly after `after` in `order` (for SQL and MongoDB)."""
    branches: list[list[Cond]] = []
    for i, (name, descending) in enumerate(order):
        equal = [Cond(field, "eq", after[j]) for j, (field, _) in enumerate(order[:i])]
        branches.append([*equal, Cond(name, "lt" if descending else "gt", after[i])])
    return branches


_COMPARE = {
    "eq": lambda a, b: a == b,
    "gt": lambda a, b: a > b,
    "gte": lambda a, b: a >= b,
    "lt": lambda a, b: a < b,
    "lte": lambda a, b: a <= b,
}


def matches(doc: Mapping[str, Any], where: Sequence[Cond]) -> bool:
    """Whether the document satisfies every condition (a missing or null field satisfies none)."""
    for cond in where:
        value = doc.get(cond.field)
        if value is None or not _COMPARE[cond.op](value, cond.value):
            return False
    return True


def sort_docs(docs: list[Doc], order: Sequence[tuple[str, bool]]) -> list[Doc]:
    """The documents in `order` (sort fields are never null)."""

    def compare(a: Doc, b: Doc) -> int:
        for name, descending in order:
            x, y = a[name], b[name]
            if x != y:
                result = -1 if x < y else 1
                return -result if descending else result
        return 0

    return sorted(docs, key=functools.cmp_to_key(compare))
