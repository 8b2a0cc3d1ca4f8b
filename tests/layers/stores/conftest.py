"""The contract suite runs once per backend: every test taking `stores` runs on memory, SQLite and MongoDB."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import mongomock
import pytest

from deca.stores import Stores, memory_stores, mongo_stores, sqlite_stores
from tests.fakes.clock import FakeClock

BACKENDS = ["memory", "sqlite", "mongo"]
FUTURE = datetime(2100, 1, 1, tzinfo=UTC)


@pytest.fixture
def clock() -> FakeClock:
    """The clock the stores judge expiry by, set in the future.

    MongoDB's TTL index (mongomock's too) deletes by the real time, so expiry dates must lie ahead of it.
    """
    return FakeClock(FUTURE)


def open_stores(backend: str, tmp_path: Path, clock: FakeClock) -> Stores:
    """A fresh, empty `Stores` on one backend."""
    if backend == "memory":
        return memory_stores(clock=clock)
    if backend == "sqlite":
        return sqlite_stores(tmp_path / "deca.sqlite3", clock=clock)
    return mongo_stores(mongomock.MongoClient(), "deca", clock=clock, create_indexes=True)


@pytest.fixture(params=BACKENDS)
def stores(request: pytest.FixtureRequest, tmp_path: Path, clock: FakeClock) -> Iterator[Stores]:
    """Empty stores on each backend in turn."""
    opened = open_stores(request.param, tmp_path, clock)
    yield opened
    opened.close()
