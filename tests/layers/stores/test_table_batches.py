"""`insert_many` and `put_many` on every table backend: the same documents as one-by-one writes, and a
collision leaves none of the batch behind where the backend has transactions (memory and SQLite)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from deca.stores.mongo import MongoBackend, MongoTable
from deca.stores.tables import Cond, DuplicateKey, Query, Table, TableBackend, TableSpec
from tests.layers.stores.conftest import open_backend

SPEC = TableSpec(name="batch_items", key=("ws", "n"), unique=(("ws", "label"),), indexes=())
BACKENDS = ["memory", "sqlite", "mongo"]


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[TableBackend]:
    opened = open_backend(request.param, tmp_path)
    yield opened
    opened.close()


def _table(backend: TableBackend) -> Table:
    table = backend.table(SPEC)
    if isinstance(table, MongoTable):  # the schema's tables get their indexes from `ensure_indexes()`
        table.ensure_indexes()
    return table


def _all(table: Table) -> list[dict[str, object]]:
    query = Query(where=(Cond("ws", "eq", "w"),), order=(("n", False),), after=None, limit=100)
    return table.find(query)


def _doc(n: int, label: str | None = None) -> dict[str, object]:
    return {"ws": "w", "n": n, "label": label or f"item-{n}", "body": {"n": n, "list": [n, str(n)]}}


def test_insert_many_stores_every_document_in_order(backend: TableBackend) -> None:
    table = _table(backend)
    table.insert_many([_doc(1), _doc(2), _doc(3)])
    table.insert_many([])
    assert _all(table) == [_doc(1), _doc(2), _doc(3)]


def test_insert_many_refuses_a_key_taken_by_a_stored_document(backend: TableBackend) -> None:
    table = _table(backend)
    table.insert(_doc(2))
    with pytest.raises(DuplicateKey):
        table.insert_many([_doc(1), _doc(2, "other"), _doc(3)])
    stored = _all(table)
    assert _doc(2) in stored and _doc(3) not in stored
    if not isinstance(backend, MongoBackend):  # no transactions on MongoDB
        assert stored == [_doc(2)]


def test_insert_many_refuses_a_unique_field_repeated_inside_the_batch(backend: TableBackend) -> None:
    table = _table(backend)
    with pytest.raises(DuplicateKey):
        table.insert_many([_doc(1, "same"), _doc(2, "same")])
    stored = _all(table)
    assert _doc(2, "same") not in stored
    if not isinstance(backend, MongoBackend):
        assert stored == []


def test_put_many_inserts_and_replaces(backend: TableBackend) -> None:
    table = _table(backend)
    table.insert(_doc(1))
    replaced = {**_doc(1), "body": {"changed": True}}
    table.put_many([replaced, _doc(2)])
    assert _all(table) == [replaced, _doc(2)]


def test_a_refused_batch_inside_a_transaction_leaves_the_other_writes_of_the_block(tmp_path: Path) -> None:
    """SQLite: the batch is undone alone (a savepoint), so a caller that handles the collision keeps the rest."""
    backend = open_backend("sqlite", tmp_path)
    table = _table(backend)
    with backend.atomic() as transactional:
        assert transactional
        table.insert(_doc(1))
        with pytest.raises(DuplicateKey):
            table.insert_many([_doc(2), _doc(1, "again")])
        table.insert(_doc(3))
    assert _all(table) == [_doc(1), _doc(3)]
    backend.close()
