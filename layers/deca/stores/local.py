"""The embedded, persistent default: one SQLite file in WAL mode, one table per collection.

Each table has a column per queried field (key, unique and index fields) plus the whole record as JSON in
`doc`. One connection is shared behind a lock (so the API's threads never interleave a transaction);
WAL mode lets another process (a worker) use the same file; a statement finding the file locked by it tries
again in short steps (`statemachines.runtime.sqlite_busy`).
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable, Hashable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from functools import partial
from pathlib import Path
from typing import Any, TypeVar

from deca.clock import Clock
from deca.errors import ConflictError
from deca.stores.base import Stores
from deca.stores.repositories import build_stores
from deca.stores.schema import TABLES
from deca.stores.tables import Cond, Doc, DuplicateKey, Query, Table, TableSpec, keyset_branches
from statemachines.runtime import json_text
from statemachines.runtime.sqlite_busy import when_unlocked

__all__ = ["SqliteBackend", "SqliteTable", "sqlite_stores"]

T = TypeVar("T")

SCHEMA_VERSION = 1
_MAX_UPDATE_ATTEMPTS = 100
_SQL_OPS = {"eq": "=", "gt": ">", "gte": ">=", "lt": "<", "lte": "<="}


def _q(name: str) -> str:
    """A quoted SQL identifier (names come from table specs, never from callers)."""
    return '"' + name.replace('"', '""') + '"'


def _condition(conds: Sequence[Cond], params: list[Any]) -> str:
    parts = []
    for cond in conds:
        parts.append(f"{_q(cond.field)} {_SQL_OPS[cond.op]} ?")
        params.append(cond.value)
    return " AND ".join(parts) if parts else "1"


class SqliteTable:
    """One collection as a SQLite table."""

    def __init__(self, spec: TableSpec, backend: SqliteBackend) -> None:
        self.spec = spec
        self._backend = backend
        self._columns = spec.fields
        self._writes = 0  # writes through this process's connection (see `change_token`)
        # The statements that depend only on the spec, built once (writes are the hot path).
        name, columns = _q(spec.name), [*(_q(c) for c in self._columns), "doc"]
        self._key_sql = " AND ".join(f"{_q(c)} = ?" for c in spec.key)
        self._insert_sql = (
            f"INSERT INTO {name} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"
        )
        # ON CONFLICT on the key only: a clash with another row's unique fields still raises.
        sets = ", ".join(f"{c} = excluded.{c}" for c in columns)
        self._upsert_sql = (
            f"{self._insert_sql} ON CONFLICT ({', '.join(_q(c) for c in spec.key)}) DO UPDATE SET {sets}"
        )
        self._select_sql = f"SELECT doc FROM {name} WHERE {self._key_sql}"
        self._update_sql = f"UPDATE {name} SET {', '.join(f'{c} = ?' for c in columns)} WHERE {self._key_sql}"
        self._swap_sql = f"{self._update_sql} AND doc = ?"  # only if the document is still the one read
        self._delete_sql = f"DELETE FROM {name} WHERE {self._key_sql}"

    def create(self, conn: sqlite3.Connection) -> None:
        """Create the table and its indexes if missing."""
        name = self.spec.name
        columns = ", ".join(_q(c) for c in self._columns)
        key = ", ".join(_q(c) for c in self.spec.key)
        conn.execute(
            f"CREATE TABLE IF NOT EXISTS {_q(name)} ({columns}, doc TEXT NOT NULL, PRIMARY KEY ({key}))"
        )
        for i, fields in enumerate(self.spec.unique):
            cols = ", ".join(_q(c) for c in fields)
            conn.execute(f"CREATE UNIQUE INDEX IF NOT EXISTS {_q(f'{name}_u{i}')} ON {_q(name)} ({cols})")
        for i, fields in enumerate(self.spec.indexes):
            cols = ", ".join(_q(c) for c in fields)
            conn.execute(f"CREATE INDEX IF NOT EXISTS {_q(f'{name}_i{i}')} ON {_q(name)} ({cols})")

    def _row(self, doc: Mapping[str, Any]) -> list[Any]:
        return [*(doc.get(c) for c in self._columns), json_text.dumps(doc)]

    def _key_params(self, key: Mapping[str, Any]) -> list[Any]:
        return [key[name] for name in self.spec.key]

    def _write(self, doc: Doc, *, upsert: bool) -> None:
        sql = self._upsert_sql if upsert else self._insert_sql
        row = self._row(doc)
        try:
            with self._backend.connection() as conn:  # one statement: its own transaction (or the caller's)
                self._writes += 1
                self._backend.run(lambda: conn.execute(sql, row))
        except sqlite3.IntegrityError as exc:
            raise DuplicateKey(str(exc)) from exc

    def insert(self, doc: Doc) -> None:
        """Add a document; raises `DuplicateKey` on a key or unique collision."""
        self._write(doc, upsert=False)

    def put(self, doc: Doc) -> None:
        """Insert or replace the document with the same key."""
        self._write(doc, upsert=True)

    def _write_many(self, docs: Sequence[Doc], *, upsert: bool) -> None:
        if not docs:
            return
        sql = self._upsert_sql if upsert else self._insert_sql
        rows = [self._row(doc) for doc in docs]
        with self._backend.transaction() as conn:
            self._writes += 1
            conn.execute("SAVEPOINT write_many")  # undone alone on a collision, even inside `atomic()`
            try:
                conn.executemany(sql, rows)
            except sqlite3.IntegrityError as exc:
                conn.execute("ROLLBACK TO write_many")
                conn.execute("RELEASE write_many")
                raise DuplicateKey(str(exc)) from exc
            conn.execute("RELEASE write_many")

    def insert_many(self, docs: Sequence[Doc]) -> None:
        """Add the documents in one statement; on a collision none of them stays."""
        self._write_many(docs, upsert=False)

    def put_many(self, docs: Sequence[Doc]) -> None:
        """Insert or replace each document, in one statement."""
        self._write_many(docs, upsert=True)

    def _select_one(self, conn: sqlite3.Connection, key: Mapping[str, Any]) -> Doc | None:
        params = self._key_params(key)
        row = self._backend.run(lambda: conn.execute(self._select_sql, params).fetchone())
        return json_text.loads(row[0]) if row else None

    def get(self, key: Mapping[str, Any]) -> Doc | None:
        """The document with this key, or None."""
        with self._backend.connection() as conn:
            return self._select_one(conn, key)

    def update(
        self, key: Mapping[str, Any], changes: Mapping[str, Any], expect: Mapping[str, Any]
    ) -> Doc | None:
        """Set fields atomically if the stored fields equal `expect`; the new document or None.

        Optimistic: the document is read and the new one built without any lock, then written by one
        statement that only matches the row if its document is still the one read (else read again). The
        file's write lock is held for that statement alone, not for the Python work in between.
        """
        params = self._key_params(key)
        for _ in range(_MAX_UPDATE_ATTEMPTS):
            with self._backend.connection() as conn:
                row = self._backend.run(lambda: conn.execute(self._select_sql, params).fetchone())
            if row is None:
                return None
            current = json_text.loads(row[0])
            if any(current.get(name) != value for name, value in expect.items()):
                return None
            updated = {**current, **changes}
            values = [*self._row(updated), *params, row[0]]
            try:
                with self._backend.connection() as conn:
                    self._writes += 1
                    written = self._backend.run(partial(self._swap, conn, values))
            except sqlite3.IntegrityError as exc:
                raise DuplicateKey(str(exc)) from exc
            if written:
                return updated
        raise ConflictError(
            "the record kept changing while being updated",
            resource=self.spec.name,
            resource_id="/".join(str(value) for value in params[1:]),
        )

    def _swap(self, conn: sqlite3.Connection, values: list[Any]) -> int:
        return int(conn.execute(self._swap_sql, values).rowcount)

    def delete(self, key: Mapping[str, Any]) -> bool:
        """Remove the document with this key; whether there was one."""
        params = self._key_params(key)
        with self._backend.connection() as conn:
            self._writes += 1
            return self._backend.run(lambda: conn.execute(self._delete_sql, params).rowcount) > 0

    def delete_where(self, where: Mapping[str, Any]) -> int:
        """Remove every document whose fields equal `where`; how many."""
        params: list[Any] = []
        sql = _condition([Cond(name, "eq", value) for name, value in where.items()], params)
        with self._backend.connection() as conn:
            self._writes += 1
            delete = f"DELETE FROM {_q(self.spec.name)} WHERE {sql}"
            return int(self._backend.run(lambda: conn.execute(delete, params).rowcount))

    def find(self, query: Query) -> list[Doc]:
        """The documents matching the query, in its order, after its keyset, at most `limit`."""
        params: list[Any] = []
        sql = f"SELECT doc FROM {_q(self.spec.name)} WHERE {_condition(query.where, params)}"
        if query.after is not None:
            branches = [f"({_condition(b, params)})" for b in keyset_branches(query.order, query.after)]
            sql += f" AND ({' OR '.join(branches)})"
        order = ", ".join(f"{_q(name)} {'DESC' if desc else 'ASC'}" for name, desc in query.order)
        sql += f" ORDER BY {order} LIMIT ?"
        params.append(query.limit)
        with self._backend.connection() as conn:
            rows = self._backend.run(lambda: conn.execute(sql, params).fetchall())
            return [json_text.loads(row[0]) for row in rows]

    def change_token(self) -> Hashable | None:
        """This table's writes through this process's connection, and the file's commits by any other."""
        with self._backend.connection() as conn:
            (data_version,) = self._backend.run(lambda: conn.execute("PRAGMA data_version").fetchone())
            return (self._writes, data_version)


class SqliteBackend:
    """One SQLite database file; the schema is created on first open."""

    def __init__(self, path: str | Path) -> None:
        self._path = str(path)
        if self._path != ":memory:":
            Path(self._path).parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.RLock()
        self._depth = 0  # nesting of `transaction()` blocks of the thread holding the lock
        # timeout=0: a statement finding the file locked fails at once and `run` tries again in short steps
        self._conn = sqlite3.connect(self._path, check_same_thread=False, isolation_level=None, timeout=0)
        when_unlocked(lambda: self._conn.execute("PRAGMA journal_mode=WAL"))
        self._conn.execute("PRAGMA synchronous=NORMAL")
        self._tables: dict[str, SqliteTable] = {}
        self.ensure_indexes()

    @contextmanager
    def connection(self) -> Iterator[sqlite3.Connection]:
        """The shared connection, held by this thread for the block.

        Outside `transaction()` each statement commits on its own (autocommit): a single write needs no
        BEGIN and COMMIT around it, and holds the file's write lock only while SQLite runs it.
        """
        with self._lock:
            yield self._conn

    def run(self, statement: Callable[[], T]) -> T:
        """Run one statement on the connection (held by this thread): inside a transaction at once (its
        lock is held), else waiting for another connection's write lock (`when_unlocked`)."""
        return statement() if self._depth else when_unlocked(statement)

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """An immediate (write-locking) transaction, committed unless the block raises.

        Inside another transaction of this thread (see `atomic`) the block joins it: the outer one commits.
        """
        with self._lock:
            if self._depth:
                self._depth += 1
                try:
                    yield self._conn
                finally:
                    self._depth -= 1
                return
            when_unlocked(lambda: self._conn.execute("BEGIN IMMEDIATE"))
            self._depth = 1
            try:
                yield self._conn
            except BaseException:
                self._conn.execute("ROLLBACK")
                raise
            finally:
                self._depth = 0
            self._conn.execute("COMMIT")

    @contextmanager
    def atomic(self) -> Iterator[bool]:
        """One transaction around every write of the block: all of them commit, or none if it raises."""
        with self.transaction():
            yield True

    def table(self, spec: TableSpec) -> Table:
        """The table for this spec (created if missing)."""
        with self._lock:
            table = self._tables.get(spec.name)
            if table is None:
                table = self._tables[spec.name] = SqliteTable(spec, self)
                with self.transaction() as conn:
                    table.create(conn)
            return table

    def ensure_indexes(self) -> None:
        """Create every table and index of the stores (idempotent) and record the schema version."""
        with self.transaction() as conn:
            for spec in TABLES:
                SqliteTable(spec, self).create(conn)
            conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")

    def close(self) -> None:
        """Close the connection."""
        with self._lock:
            self._conn.close()


def sqlite_stores(path: str | Path, *, clock: Clock | None = None) -> Stores:
    """Every repository, persisted in one SQLite file at `path` (created with its schema if missing)."""
    return build_stores(SqliteBackend(path), clock=clock)
