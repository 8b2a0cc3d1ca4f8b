"""Where the local engine keeps its executions durable: runtime checkpoints plus an index of their owners.

The runtime's checkpoint store knows executions by ARN only; the index maps each ARN to the workspace
and execution id it belongs to, so a restarted studio can resume them into the right records.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path

from statemachines.runtime import CheckpointStore, MemoryCheckpointStore, SqliteCheckpointStore
from statemachines.runtime.sqlite_busy import when_unlocked

__all__ = ["CheckpointEntry", "LocalCheckpoints"]


@dataclass(frozen=True)
class CheckpointEntry:
    """Who an execution ARN belongs to."""

    execution_arn: str
    workspace_id: str
    execution_id: str


class LocalCheckpoints:
    """Runtime checkpoints and the ARN index, in memory or in one SQLite file (one connection for both:
    two connections writing one file would wait on each other's lock)."""

    def __init__(self, store: CheckpointStore) -> None:
        self.store = store
        self._lock = threading.Lock()
        self._memory: dict[str, CheckpointEntry] = {}
        self._file = store if isinstance(store, SqliteCheckpointStore) else None
        if self._file is not None:
            with self._file.locked() as db:
                when_unlocked(
                    lambda: db.execute(
                        "CREATE TABLE IF NOT EXISTS engine_executions (arn TEXT PRIMARY KEY, "
                        "workspace_id TEXT NOT NULL, execution_id TEXT NOT NULL)"
                    )
                )

    @classmethod
    def in_memory(cls) -> LocalCheckpoints:
        """Checkpoints that live as long as the process (tests, throwaway runs)."""
        return cls(MemoryCheckpointStore())

    @classmethod
    def at(cls, path: Path) -> LocalCheckpoints:
        """Durable checkpoints in the SQLite file `path` (created if missing; a commit survives the process
        being killed, not a power cut)."""
        path.parent.mkdir(parents=True, exist_ok=True)
        return cls(SqliteCheckpointStore(path))

    def register(self, entry: CheckpointEntry) -> None:
        """Remember who an execution ARN belongs to (before it first runs)."""
        if self._file is None:
            with self._lock:
                self._memory[entry.execution_arn] = entry
            return
        row = (entry.execution_arn, entry.workspace_id, entry.execution_id)
        with self._file.locked() as db:
            when_unlocked(
                lambda: db.execute(
                    "INSERT OR REPLACE INTO engine_executions (arn, workspace_id, execution_id) VALUES (?, ?, ?)",
                    row,
                )
            )

    def forget(self, execution_arn: str) -> None:
        """Drop an execution that needs no resuming any more (it succeeded: the runtime discarded it)."""
        if self._file is None:
            with self._lock:
                self._memory.pop(execution_arn, None)
            return
        with self._file.locked() as db:
            when_unlocked(lambda: db.execute("DELETE FROM engine_executions WHERE arn = ?", (execution_arn,)))

    def entries(self) -> list[CheckpointEntry]:
        """Every registered execution."""
        if self._file is None:
            with self._lock:
                return list(self._memory.values())
        with self._file.locked() as db:
            rows = when_unlocked(
                lambda: db.execute("SELECT arn, workspace_id, execution_id FROM engine_executions").fetchall()
            )
        return [CheckpointEntry(arn, ws, eid) for arn, ws, eid in rows]

    def has_checkpoint(self, execution_arn: str) -> bool:
        """Whether the runtime saved the execution at least once."""
        return self.store.load(execution_arn) is not None

    def running(self) -> set[str]:
        """ARNs the runtime saved as RUNNING (including paused ones)."""
        return set(self.store.running())

    def close(self) -> None:
        """Close the file."""
        close = getattr(self.store, "close", None)
        if callable(close):
            close()
