"""Checkpoint stores: where execution states and their history are saved after every transition."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from statemachines.runtime import json_text
from statemachines.runtime.sqlite_busy import when_unlocked

if TYPE_CHECKING:
    import sqlite3

__all__ = ["CheckpointStore", "MemoryCheckpointStore", "SqliteCheckpointStore"]

Event = list[Any]


class CheckpointStore(Protocol):
    """Saves and loads execution states (plain JSON data) and their history events."""

    def save(self, execution_id: str, state: dict[str, Any], events: list[Event], first_event: int) -> None:
        """Save the state and the history events from index `first_event` on."""
        ...

    def load(self, execution_id: str) -> tuple[dict[str, Any], list[Event]] | None:
        """The saved state and full history of an execution, or None."""
        ...

    def running(self) -> list[str]:
        """Ids of executions saved while still RUNNING."""
        ...

    def discard(self, execution_id: str) -> None:
        """Forget an execution's state and history (nothing saved is not an error)."""
        ...


class MemoryCheckpointStore:
    """An in-process store (JSON text copies, so nothing is shared with the live execution)."""

    def __init__(self) -> None:
        self._states: dict[str, str] = {}
        self._events: dict[str, list[str]] = {}

    def save(self, execution_id: str, state: dict[str, Any], events: list[Event], first_event: int) -> None:
        """Save a snapshot."""
        self._states[execution_id] = json_text.dumps(state)
        stored = self._events.setdefault(execution_id, [])
        del stored[first_event:]
        stored.extend(json_text.dumps(e) for e in events)

    def load(self, execution_id: str) -> tuple[dict[str, Any], list[Event]] | None:
        """Load a snapshot."""
        if execution_id not in self._states:
            return None
        state = json_text.loads(self._states[execution_id])
        return state, [json_text.loads(e) for e in self._events.get(execution_id, [])]

    def running(self) -> list[str]:
        """Executions saved as RUNNING."""
        return [k for k, v in self._states.items() if json_text.loads(v)["status"] == "RUNNING"]

    def discard(self, execution_id: str) -> None:
        """Forget an execution."""
        self._states.pop(execution_id, None)
        self._events.pop(execution_id, None)


class SqliteCheckpointStore:
    """A durable store in one SQLite file; survives the process being killed."""

    def __init__(self, path: str | Path) -> None:
        import sqlite3  # imported here: `deca asl run` never needs it

        self.path = str(path)
        self._lock = threading.Lock()
        # timeout=0: a statement finding the file locked by another process fails at once and is tried again
        # in short steps (`when_unlocked`), not after SQLite's millisecond sleeps
        self._db = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None, timeout=0)
        db = self._db
        when_unlocked(lambda: db.execute("PRAGMA journal_mode=WAL"))
        db.execute("PRAGMA synchronous=NORMAL")
        when_unlocked(
            lambda: db.execute(
                "CREATE TABLE IF NOT EXISTS executions "
                "(id TEXT PRIMARY KEY, status TEXT NOT NULL, state TEXT NOT NULL)"
            )
        )
        when_unlocked(
            lambda: db.execute(
                "CREATE TABLE IF NOT EXISTS events (execution_id TEXT NOT NULL, seq INTEGER NOT NULL, "
                "event TEXT NOT NULL, PRIMARY KEY (execution_id, seq))"
            )
        )

    def save(self, execution_id: str, state: dict[str, Any], events: list[Event], first_event: int) -> None:
        """Save a snapshot in one transaction."""
        with self._lock:
            db = self._db
            when_unlocked(lambda: db.execute("BEGIN IMMEDIATE"))
            try:
                db.execute(
                    "INSERT OR REPLACE INTO executions (id, status, state) VALUES (?, ?, ?)",
                    (execution_id, state["status"], json_text.dumps(state)),
                )
                db.execute(
                    "DELETE FROM events WHERE execution_id = ? AND seq >= ?", (execution_id, first_event)
                )
                db.executemany(
                    "INSERT INTO events (execution_id, seq, event) VALUES (?, ?, ?)",
                    [(execution_id, first_event + i, json_text.dumps(e)) for i, e in enumerate(events)],
                )
                db.execute("COMMIT")
            except BaseException:
                db.execute("ROLLBACK")
                raise

    def load(self, execution_id: str) -> tuple[dict[str, Any], list[Event]] | None:
        """Load a snapshot."""
        with self._lock:
            db = self._db
            row = when_unlocked(
                lambda: db.execute("SELECT state FROM executions WHERE id = ?", (execution_id,)).fetchone()
            )
            if row is None:
                return None
            rows = when_unlocked(
                lambda: db.execute(
                    "SELECT event FROM events WHERE execution_id = ? ORDER BY seq", (execution_id,)
                ).fetchall()
            )
        return json_text.loads(row[0]), [json_text.loads(r[0]) for r in rows]

    def running(self) -> list[str]:
        """Executions saved as RUNNING."""
        with self._lock:
            db = self._db
            rows = when_unlocked(
                lambda: db.execute("SELECT id FROM executions WHERE status = 'RUNNING'").fetchall()
            )
        return [r[0] for r in rows]

    def discard(self, execution_id: str) -> None:
        """Delete an execution's state and events, in one transaction."""
        with self._lock:
            db = self._db
            when_unlocked(lambda: db.execute("BEGIN IMMEDIATE"))
            try:
                db.execute("DELETE FROM executions WHERE id = ?", (execution_id,))
                db.execute("DELETE FROM events WHERE execution_id = ?", (execution_id,))
                db.execute("COMMIT")
            except BaseException:
                db.execute("ROLLBACK")
                raise

    @contextmanager
    def locked(self) -> Iterator[sqlite3.Connection]:
        """The store's connection, held for the block: an embedder's own tables in the same file (an index
        of executions, say) are written on it, so two connections never wait on each other's file lock.
        It fails at once when another process holds the file's lock: run statements with `when_unlocked`."""
        with self._lock:
            yield self._db

    def close(self) -> None:
        """Close the database."""
        self._db.close()
