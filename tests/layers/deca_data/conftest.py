"""The DECA data contract suite runs once per backend: every test taking `data` runs on memory, SQLite and MongoDB."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from pathlib import Path

import mongomock
import pytest

from deca.deca_data.stores import DecaDataStores, memory_deca_data, mongo_deca_data, sqlite_deca_data
from tests.fakes.clock import FakeClock

BACKENDS = ["memory", "sqlite", "mongo"]


def counter_ids() -> Callable[[str], str]:
    """Ids `<prefix>_0001`, `<prefix>_0002`, ... (stable across backends)."""
    numbers = itertools.count(1)
    return lambda prefix: f"{prefix}_{next(numbers):04d}"


def open_data(backend: str, tmp_path: Path, clock: FakeClock) -> DecaDataStores:
    """Fresh, empty DECA data stores on one backend (MongoDB with exact vector search: mongomock has no Atlas)."""
    if backend == "memory":
        return memory_deca_data(clock=clock, new_id=counter_ids())
    if backend == "sqlite":
        return sqlite_deca_data(tmp_path / "deca.sqlite3", clock=clock, new_id=counter_ids())
    database = mongomock.MongoClient()["deca"]
    return mongo_deca_data(
        database, clock=clock, new_id=counter_ids(), vector_search="exact", create_indexes=True
    )


@pytest.fixture
def clock() -> FakeClock:
    """The clock the stores stamp records with."""
    return FakeClock()


@pytest.fixture(params=BACKENDS)
def data(request: pytest.FixtureRequest, tmp_path: Path, clock: FakeClock) -> Iterator[DecaDataStores]:
    """Empty DECA data stores on each backend in turn."""
    opened = open_data(request.param, tmp_path, clock)
    yield opened
    opened.close()
