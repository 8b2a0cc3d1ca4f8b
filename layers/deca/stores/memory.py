"""In-process tables: dictionaries behind a lock, for tests and throwaway runs (nothing survives the process)."""

from __future__ import annotations

import copy
import threading
from collections.abc import Hashable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

from deca.clock import Clock
from deca.stores.base import Stores
from deca.stores.repositories import build_stores
from deca.stores.tables import Doc, DuplicateKey, Query, Table, TableSpec, keyset_branches, matches, sort_docs

__all__ = ["MemoryBackend", "MemoryTable", "memory_stores"]


class MemoryTable:
    """A table held in a dict keyed by the spec's key fields."""

    def __init__(self, spec: TableSpec, lock: threading.RLock) -> None:
        self.spec = spec
        self._lock = lock
        self._docs: dict[tuple[Any, ...], Doc] = {}
        self._writes = 0  # see `change_token`

    def _key(self, doc: Mapping[str, Any]) -> tuple[Any, ...]:
        return tuple(doc[name] for name in self.spec.key)

    def _check_unique(self, doc: Doc) -> None:
        key = self._key(doc)
        for fields in self.spec.unique:
            values = [doc.get(name) for name in fields]
            if any(value is None for value in values):
                continue
            for other_key, other in self._docs.items():
                if other_key != key and [other.get(name) for name in fields] == values:
                    raise DuplicateKey(f"{self.spec.name}: duplicate {fields}")

    def insert(self, doc: Doc) -> None:
        """Add a document; raises `DuplicateKey` on a key or unique collision."""
        with self._lock:
            key = self._key(doc)
            if key in self._docs:
                raise DuplicateKey(f"{self.spec.name}: duplicate key {key}")
            self._check_unique(doc)
            self._writes += 1
            self._docs[key] = copy.deepcopy(doc)

    def put(self, doc: Doc) -> None:
        """Insert or replace the document with the same key."""
        with self._lock:
            self._check_unique(doc)
            self._writes += 1
            self._docs[self._key(doc)] = copy.deepcopy(doc)

    def insert_many(self, docs: Sequence[Doc]) -> None:
        """Add the documents; on a collision (with a stored one or each other) none of them is added."""
        with self._lock:
            added: list[tuple[Any, ...]] = []
            try:
                for doc in docs:
                    self.insert(doc)
                    added.append(self._key(doc))
            except DuplicateKey:
                for key in added:
                    del self._docs[key]
                raise

    def put_many(self, docs: Sequence[Doc]) -> None:
        """Insert or replace each document."""
        with self._lock:
            for doc in docs:
                self.put(doc)

    def get(self, key: Mapping[str, Any]) -> Doc | None:
        """The document with this key, or None."""
        with self._lock:
            doc = self._docs.get(self._key(key))
            return copy.deepcopy(doc) if doc is not None else None

    def update(
        self, key: Mapping[str, Any], changes: Mapping[str, Any], expect: Mapping[str, Any]
    ) -> Doc | None:
        """Set fields atomically if the stored fields equal `expect`; the new document or None."""
        with self._lock:
            current = self._docs.get(self._key(key))
            if current is None or any(current.get(name) != value for name, value in expect.items()):
                return None
            updated = {**current, **copy.deepcopy(dict(changes))}
            self._check_unique(updated)
            self._writes += 1
            self._docs[self._key(key)] = updated
            return copy.deepcopy(updated)

    def delete(self, key: Mapping[str, Any]) -> bool:
        """Remove the document with this key; whether there was one."""
        with self._lock:
            self._writes += 1
            return self._docs.pop(self._key(key), None) is not None

    def delete_where(self, where: Mapping[str, Any]) -> int:
        """Remove every document whose fields equal `where`; how many."""
        with self._lock:
            doomed = [k for k, doc in self._docs.items() if all(doc.get(f) == v for f, v in where.items())]
            self._writes += 1
            for k in doomed:
                del self._docs[k]
            return len(doomed)

    def find(self, query: Query) -> list[Doc]:
        """The documents matching the query, in its order, after its keyset, at most `limit`."""
        with self._lock:
            found = [doc for doc in self._docs.values() if matches(doc, query.where)]
            if query.after is not None:
                branches = keyset_branches(query.order, query.after)
                found = [doc for doc in found if any(matches(doc, branch) for branch in branches)]
            return copy.deepcopy(sort_docs(found, query.order)[: query.limit])

    def change_token(self) -> Hashable | None:
        """How many writes the table has had (only this process sees it)."""
        return self._writes


class MemoryBackend:
    """Tables in process memory, sharing one lock."""

    def __init__(self) -> None:
        self._lock = threading.RLock()
        self._tables: dict[str, MemoryTable] = {}

    def table(self, spec: TableSpec) -> Table:
        """The table for this spec (created on first use)."""
        with self._lock:
            return self._tables.setdefault(spec.name, MemoryTable(spec, self._lock))

    @contextmanager
    def atomic(self) -> Iterator[bool]:
        """Holds the tables' lock for the block (no one sees it half done), but cannot undo its writes."""
        with self._lock:
            yield False

    def ensure_indexes(self) -> None:
        """Nothing to create in memory."""

    def close(self) -> None:
        """Nothing to release in memory."""


def memory_stores(*, clock: Clock | None = None) -> Stores:
    """Every repository, in process memory."""
    return build_stores(MemoryBackend(), clock=clock)
