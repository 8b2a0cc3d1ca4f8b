"""`change_token` on every table backend: it differs after every kind of write, and only then; MongoDB has
none (other processes write it unseen)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from deca.stores.local import SqliteBackend
from deca.stores.mongo import MongoBackend
from deca.stores.tables import Cond, Query, Table, TableBackend, TableSpec
from tests.layers.stores.conftest import open_backend

SPEC = TableSpec(name="token_items", key=("ws", "n"))
WRITES: dict[str, Callable[[Table], object]] = {
    "insert": lambda table: table.insert({"ws": "w", "n": 9}),
    "put": lambda table: table.put({"ws": "w", "n": 1, "v": 2}),
    "insert_many": lambda table: table.insert_many([{"ws": "w", "n": 7}, {"ws": "w", "n": 8}]),
    "put_many": lambda table: table.put_many([{"ws": "w", "n": 1, "v": 3}]),
    "update": lambda table: table.update({"ws": "w", "n": 1}, {"v": 4}, {}),
    "delete": lambda table: table.delete({"ws": "w", "n": 1}),
    "delete_where": lambda table: table.delete_where({"ws": "w"}),
}


@pytest.fixture(params=["memory", "sqlite"])
def backend(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[TableBackend]:
    opened = open_backend(request.param, tmp_path)
    yield opened
    opened.close()


@pytest.mark.parametrize("write", list(WRITES))
def test_every_write_changes_the_token_and_reads_do_not(backend: TableBackend, write: str) -> None:
    table = backend.table(SPEC)
    table.insert({"ws": "w", "n": 1})
    before = table.change_token()

    table.get({"ws": "w", "n": 1})
    table.find(Query(where=(Cond("ws", "eq", "w"),), order=(("n", False),), after=None, limit=10))
    after_reads = table.change_token()
    WRITES[write](table)

    assert before is not None and after_reads == before
    assert table.change_token() != before


def test_a_commit_by_another_connection_to_the_file_changes_the_token(tmp_path: Path) -> None:
    here, there = SqliteBackend(tmp_path / "deca.db"), SqliteBackend(tmp_path / "deca.db")
    table = here.table(SPEC)
    before = table.change_token()

    there.table(SPEC).insert({"ws": "w", "n": 1})

    assert table.change_token() != before
    here.close()
    there.close()


def test_mongodb_tables_have_no_token(tmp_path: Path) -> None:
    backend = open_backend("mongo", tmp_path)
    assert isinstance(backend, MongoBackend)
    assert backend.table(SPEC).change_token() is None
