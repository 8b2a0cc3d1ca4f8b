"""`when_unlocked`: a statement that finds the file locked by another connection is tried again in short
steps until the lock is released; other errors, and a lock held past the limit, are raised."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path
from typing import Any

import pytest

from deca.stores import local as local_stores
from deca.stores.local import SqliteBackend
from deca.stores.tables import TableSpec
from statemachines.runtime.sqlite_busy import is_busy, when_unlocked


def _connect(path: Path) -> sqlite3.Connection:
    db = sqlite3.connect(path, isolation_level=None, timeout=0, check_same_thread=False)
    db.execute("PRAGMA journal_mode=WAL")
    return db


def test_a_write_waits_for_the_other_connections_transaction_then_runs(tmp_path: Path) -> None:
    holder, waiter = _connect(tmp_path / "x.db"), _connect(tmp_path / "x.db")
    holder.execute("CREATE TABLE t (n INTEGER)")
    holder.execute("BEGIN IMMEDIATE")
    refused = threading.Event()
    attempts: list[int] = []

    def insert() -> Any:
        attempts.append(1)
        try:
            return waiter.execute("INSERT INTO t VALUES (1)")
        except sqlite3.OperationalError:
            refused.set()
            raise

    writer = threading.Thread(target=when_unlocked, args=(insert,))
    writer.start()
    assert refused.wait(10)  # the lock is held: the first try failed busy
    holder.execute("INSERT INTO t VALUES (0)")
    holder.execute("COMMIT")
    writer.join(10)

    assert not writer.is_alive()
    assert len(attempts) >= 2
    assert [row[0] for row in holder.execute("SELECT n FROM t ORDER BY n")] == [0, 1]


def test_other_errors_are_raised_at_once(tmp_path: Path) -> None:
    db = _connect(tmp_path / "x.db")
    attempts: list[int] = []

    def broken() -> Any:
        attempts.append(1)
        return db.execute("INSERT INTO missing VALUES (1)")

    with pytest.raises(sqlite3.OperationalError, match="no such table") as raised:
        when_unlocked(broken)
    assert attempts == [1] and not is_busy(raised.value)


def test_a_lock_held_past_the_limit_raises_the_busy_error(tmp_path: Path) -> None:
    holder, waiter = _connect(tmp_path / "x.db"), _connect(tmp_path / "x.db")
    holder.execute("CREATE TABLE t (n INTEGER)")
    holder.execute("BEGIN IMMEDIATE")

    with pytest.raises(sqlite3.OperationalError) as raised:
        when_unlocked(lambda: waiter.execute("INSERT INTO t VALUES (1)"), seconds=0.05)

    assert is_busy(raised.value)
    holder.execute("ROLLBACK")


def test_two_store_backends_on_one_file_wait_for_each_other(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    spec = TableSpec(name="items", key=("ws", "n"))
    first, second = SqliteBackend(tmp_path / "deca.db"), SqliteBackend(tmp_path / "deca.db")
    first_table, second_table = first.table(spec), second.table(spec)
    inside, refused, release = threading.Event(), threading.Event(), threading.Event()

    def noting_refusals(run: Any) -> Any:
        def attempt() -> Any:
            try:
                return run()
            except sqlite3.OperationalError as exc:
                if is_busy(exc) and threading.current_thread().name == "writer":
                    refused.set()
                raise

        return when_unlocked(attempt)

    monkeypatch.setattr(local_stores, "when_unlocked", noting_refusals)

    def hold_a_transaction() -> None:
        with first.atomic():
            first_table.insert({"ws": "w", "n": 1})
            inside.set()
            release.wait(10)

    holder = threading.Thread(target=hold_a_transaction)
    holder.start()
    assert inside.wait(10)
    writer = threading.Thread(target=second_table.insert, args=({"ws": "w", "n": 2},), name="writer")
    writer.start()
    assert refused.wait(10)  # the second backend's write found the file locked ...
    release.set()
    holder.join(10)
    writer.join(10)

    # ... and went through once the first backend's transaction committed
    assert not writer.is_alive()
    assert second_table.get({"ws": "w", "n": 1}) == {"ws": "w", "n": 1}
    assert first_table.get({"ws": "w", "n": 2}) == {"ws": "w", "n": 2}
    first.close()
    second.close()
