"""MongoDB (Atlas in production) through pymongo: one collection per table spec.

Documents are the records' JSON (timestamps as fixed-width ISO text, so they sort as text); MongoDB's own
`_id` is left to the server and never returned. Tables with an expiry field also keep it as a BSON date in
`_expires_at`, which a TTL index uses to delete expired documents. `ensure_indexes()` creates the unique
key index, partial unique constraints, the listing indexes and the TTL index; run it at deploy time.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import datetime
from typing import Any

from pymongo import ASCENDING, DESCENDING
from pymongo.collection import Collection
from pymongo.database import Database
from pymongo.errors import DuplicateKeyError
from pymongo.mongo_client import MongoClient

from deca.clock import Clock
from deca.stores.base import Stores
from deca.stores.repositories import build_stores
from deca.stores.schema import TABLES
from deca.stores.tables import Cond, Doc, DuplicateKey, Query, Table, TableSpec, keyset_branches

__all__ = ["MongoBackend", "MongoTable", "ensure_indexes", "mongo_stores"]

_EXPIRES = "_expires_at"
_NO_ID = {"_id": False}
_MONGO_OPS = {"gt": "$gt", "gte": "$gte", "lt": "$lt", "lte": "$lte"}


def _filter(conds: Sequence[Cond]) -> dict[str, Any]:
    """A MongoDB filter ANDing the conditions."""
    clauses: list[dict[str, Any]] = []
    for cond in conds:
        clauses.append({cond.field: cond.value if cond.op == "eq" else {_MONGO_OPS[cond.op]: cond.value}})
    return {"$and": clauses} if clauses else {}


class MongoTable:
    """One table spec as a MongoDB collection."""

    def __init__(self, spec: TableSpec, collection: Collection[Doc]) -> None:
        self.spec = spec
        self._collection = collection

    def ensure_indexes(self) -> None:
        """Create the key, unique, listing and TTL indexes (idempotent)."""
        name = self.spec.name
        self._collection.create_index(
            [(f, ASCENDING) for f in self.spec.key], unique=True, name=f"{name}_key"
        )
        for i, fields in enumerate(self.spec.unique):
            # Enforced only when every field is set, like SQL's UNIQUE with NULLs.
            self._collection.create_index(
                [(f, ASCENDING) for f in fields],
                unique=True,
                name=f"{name}_u{i}",
                partialFilterExpression={f: {"$type": "string"} for f in fields},
            )
        for i, fields in enumerate(self.spec.indexes):
            self._collection.create_index([(f, ASCENDING) for f in fields], name=f"{name}_i{i}")
        if self.spec.ttl_field is not None:
            self._collection.create_index([(_EXPIRES, ASCENDING)], expireAfterSeconds=0, name=f"{name}_ttl")

    def _key(self, key: Mapping[str, Any]) -> dict[str, Any]:
        return {name: key[name] for name in self.spec.key}

    def _stored(self, doc: Mapping[str, Any]) -> Doc:
        stored = dict(doc)
        if self.spec.ttl_field is not None and doc.get(self.spec.ttl_field) is not None:
            stored[_EXPIRES] = datetime.fromisoformat(doc[self.spec.ttl_field])
        return stored

    @staticmethod
    def _loaded(doc: Doc | None) -> Doc | None:
        if doc is not None:
            doc.pop(_EXPIRES, None)
        return doc

    def insert(self, doc: Doc) -> None:
        """Add a document; raises `DuplicateKey` on a key or unique collision."""
        try:
            self._collection.insert_one(self._stored(doc))
        except DuplicateKeyError as exc:
            raise DuplicateKey(str(exc)) from exc

    def put(self, doc: Doc) -> None:
        """Insert or replace the document with the same key."""
        try:
            self._collection.replace_one(self._key(doc), self._stored(doc), upsert=True)
        except DuplicateKeyError as exc:
            raise DuplicateKey(str(exc)) from exc

    def insert_many(self, docs: Sequence[Doc]) -> None:
        """Add the documents in order (no transaction: those before a collision stay)."""
        for doc in docs:
            self.insert(doc)

    def put_many(self, docs: Sequence[Doc]) -> None:
        """Insert or replace each document."""
        for doc in docs:
            self.put(doc)

    def change_token(self) -> Hashable | None:
        """None: other processes write the database unseen (a change stream would tell; not worth it here)."""
        return None

    def get(self, key: Mapping[str, Any]) -> Doc | None:
        """The document with this key, or None."""
        return self._loaded(self._collection.find_one(self._key(key), _NO_ID))

    def update(
        self, key: Mapping[str, Any], changes: Mapping[str, Any], expect: Mapping[str, Any]
    ) -> Doc | None:
        """Set fields atomically if the stored fields equal `expect`; the new document or None."""
        # update_one + find_one rather than find_one_and_update: mongomock re-reads the AFTER document
        # with the original filter, which misses when `expect` names a field the update changes.
        try:
            result = self._collection.update_one(
                {**self._key(key), **expect}, {"$set": self._stored(changes)}
            )
        except DuplicateKeyError as exc:
            raise DuplicateKey(str(exc)) from exc
        return self.get(key) if result.matched_count else None

    def delete(self, key: Mapping[str, Any]) -> bool:
        """Remove the document with this key; whether there was one."""
        return self._collection.delete_one(self._key(key)).deleted_count > 0

    def delete_where(self, where: Mapping[str, Any]) -> int:
        """Remove every document whose fields equal `where`; how many."""
        return self._collection.delete_many(dict(where)).deleted_count

    def find(self, query: Query) -> list[Doc]:
        """The documents matching the query, in its order, after its keyset, at most `limit`."""
        conds = list(query.where)
        filters = _filter(conds)
        if query.after is not None:
            branches = [_filter(b) for b in keyset_branches(query.order, query.after)]
            filters = {"$and": [filters, {"$or": branches}]} if filters else {"$or": branches}
        sort = [(name, DESCENDING if desc else ASCENDING) for name, desc in query.order]
        cursor = self._collection.find(filters, _NO_ID).sort(sort).limit(query.limit)
        return [doc for doc in (self._loaded(d) for d in cursor) if doc is not None]


class MongoBackend:
    """Tables as collections of one MongoDB database."""

    def __init__(self, database: Database[Doc]) -> None:
        self._database = database

    def table(self, spec: TableSpec) -> Table:
        """The collection for this spec."""
        return MongoTable(spec, self._database[spec.name])

    @contextmanager
    def atomic(self) -> Iterator[bool]:
        """No multi-document transaction (they need a replica set and a session): the caller compensates."""
        yield False

    def ensure_indexes(self) -> None:
        """Create every collection's indexes (idempotent)."""
        ensure_indexes(self._database)

    def close(self) -> None:
        """The client belongs to the caller, who closes it."""


def ensure_indexes(database: Database[Doc]) -> None:
    """Create the indexes of every collection of the stores in `database` (idempotent)."""
    for spec in TABLES:
        MongoTable(spec, database[spec.name]).ensure_indexes()


def mongo_stores(
    client: MongoClient[Doc], database: str, *, clock: Clock | None = None, create_indexes: bool = False
) -> Stores:
    """Every repository on a MongoDB database; `create_indexes=True` runs `ensure_indexes()` first."""
    backend = MongoBackend(client[database])
    if create_indexes:
        backend.ensure_indexes()
    return build_stores(backend, clock=clock)
