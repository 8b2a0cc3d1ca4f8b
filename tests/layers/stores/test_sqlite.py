"""The SQLite backend beyond the contract: one WAL file, schema on first open, persistence, concurrent writers."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest

from deca.stores import Stores, sqlite_stores
from deca.stores.schema import TABLES
from tests.fakes import records
from tests.fakes.threads import run_together

THREADS = 8
PER_THREAD = 10


@pytest.fixture
def path(tmp_path: Path) -> Path:
    """Where the database file goes (its folder does not exist yet)."""
    return tmp_path / "data" / "deca.sqlite3"


def test_first_open_creates_the_file_tables_and_indexes(path: Path) -> None:
    sqlite_stores(path).close()

    with sqlite3.connect(path) as conn:
        names = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        indexes = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'index'")}
    assert {spec.name for spec in TABLES} <= names
    assert {"executions_u0", "executions_i0", "flows_i1", "audit_i3"} <= indexes


def test_database_uses_write_ahead_logging(path: Path) -> None:
    sqlite_stores(path).close()

    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_records_survive_closing_and_reopening(path: Path) -> None:
    first = sqlite_stores(path)
    flow = first.flows.create("ws-1", records.flow())
    version = first.flows.add_version("ws-1", records.flow_version())
    first.close()

    reopened = sqlite_stores(path)

    assert reopened.flows.get("ws-1", "flow-1") == flow.model_copy(update={"latest_version": 1})
    assert reopened.flows.get_version("ws-1", "flow-1", 1) == version
    reopened.close()


def test_queried_fields_are_real_columns(path: Path) -> None:
    stores = sqlite_stores(path)
    stores.executions.create("ws-1", records.execution(status="waiting"))
    stores.close()

    with sqlite3.connect(path) as conn:
        row = conn.execute("SELECT workspace_id, status, start_time FROM executions").fetchone()
    assert row == ("ws-1", "waiting", "2024-01-01T00:00:00.000Z")


def _create_executions(stores: Stores, thread: int) -> Callable[[], None]:
    def work() -> None:
        for i in range(PER_THREAD):
            stores.executions.create("ws-1", records.execution(execution_id=f"e-{thread}-{i}", start=i))

    return work


def test_concurrent_threads_lose_no_writes(path: Path) -> None:
    stores = sqlite_stores(path)

    run_together([_create_executions(stores, t) for t in range(THREADS)])

    page = stores.executions.list("ws-1", limit=200)
    assert len(page.items) == THREADS * PER_THREAD
    stores.close()


def test_two_connections_to_one_file_write_concurrently(path: Path) -> None:
    one, two = sqlite_stores(path), sqlite_stores(path)

    run_together([_create_executions(one, 0), _create_executions(two, 1)])

    assert len(one.executions.list("ws-1", limit=200).items) == 2 * PER_THREAD
    one.close()
    two.close()


def _racing_update(path: Path, monkeypatch: pytest.MonkeyPatch, other_change: dict[str, object]) -> object:
    """Update `status` expecting "running", while another connection writes `other_change` between this
    update's read and its write; the update's result."""
    from deca.stores.local import SqliteBackend, SqliteTable
    from deca.stores.tables import TableSpec

    spec = TableSpec(name="jobs", key=("ws", "id"), indexes=(("ws", "status"),))
    here, there = SqliteBackend(path), SqliteBackend(path)
    table, other = here.table(spec), there.table(spec)
    table.insert({"ws": "w", "id": "j1", "status": "running", "note": "first"})
    swap = SqliteTable._swap
    raced: list[bool] = []

    def swap_after_another_write(self: SqliteTable, conn: sqlite3.Connection, values: list[object]) -> int:
        if not raced:
            raced.append(True)
            other.update({"ws": "w", "id": "j1"}, other_change, {})
        return swap(self, conn, values)

    monkeypatch.setattr(SqliteTable, "_swap", swap_after_another_write)
    result = table.update({"ws": "w", "id": "j1"}, {"status": "done"}, {"status": "running"})
    here.close()
    there.close()
    return result


def test_an_update_raced_by_another_writer_is_applied_on_top_of_its_change(
    path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    result = _racing_update(path, monkeypatch, {"note": "changed elsewhere"})

    assert result == {"ws": "w", "id": "j1", "status": "done", "note": "changed elsewhere"}


def test_an_update_whose_expectation_another_writer_broke_changes_nothing(
    path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    result = _racing_update(path, monkeypatch, {"status": "cancelled"})

    assert result is None
