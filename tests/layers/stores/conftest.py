"""The contract suite runs once per backend: every test taking `stores` runs on memory, SQLite, MongoDB and
SQLite behind the Redis read-through cache (`deca.stores.cached`, on a real redis-server)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import mongomock
import pytest
import redis

from deca.cache import Cache, RedisCache
from deca.stores import Stores
from deca.stores.cached import cached_stores
from deca.stores.local import SqliteBackend
from deca.stores.memory import MemoryBackend
from deca.stores.mongo import MongoBackend
from deca.stores.repositories import build_stores
from deca.stores.tables import TableBackend
from tests.fakes.clock import FakeClock
from tests.fakes.redis_server import redis_binary, redis_server

BACKENDS = ["memory", "sqlite", "mongo", "sqlite+redis-cache"]
FUTURE = datetime(2100, 1, 1, tzinfo=UTC)
CACHE_TTL_SECONDS = 300


@pytest.fixture
def clock() -> FakeClock:
    """The clock the stores judge expiry by, set in the future.

    MongoDB's TTL index (mongomock's too) deletes by the real time, so expiry dates must lie ahead of it.
    """
    return FakeClock(FUTURE)


@pytest.fixture(scope="session")
def redis_port(tmp_path_factory: pytest.TempPathFactory) -> Iterator[int]:
    """One real redis-server for the store tests that use the cache."""
    if redis_binary() is None:
        pytest.skip("redis-server is not installed (scripts/setup.sh installs the Debian package)")
    with redis_server(tmp_path_factory.mktemp("redis")) as port:
        yield port


@pytest.fixture
def redis_cache(redis_port: int) -> Iterator[Cache]:
    """A cache on an emptied Redis database."""
    client = redis.Redis(host="127.0.0.1", port=redis_port)
    client.flushdb()
    yield RedisCache(client, prefix="deca-test:")
    client.close()


def open_backend(backend: str, tmp_path: Path) -> TableBackend:
    """A fresh, empty table backend (`sqlite+...` names open SQLite)."""
    if backend == "memory":
        return MemoryBackend()
    if backend.startswith("sqlite"):
        return SqliteBackend(tmp_path / "deca.sqlite3")
    opened = MongoBackend(mongomock.MongoClient()["deca"])
    opened.ensure_indexes()
    return opened


def open_stores(
    backend: str,
    tmp_path: Path,
    clock: FakeClock,
    *,
    cache: Cache | None = None,
    wrap: Callable[[TableBackend], TableBackend] = lambda backend: backend,
) -> Stores:
    """Fresh, empty `Stores` on one backend (behind `cache` when the backend's name asks for one)."""
    opened = build_stores(wrap(open_backend(backend, tmp_path)), clock=clock)
    if backend.endswith("+redis-cache"):
        assert cache is not None
        return cached_stores(opened, cache, ttl_seconds=CACHE_TTL_SECONDS)
    return opened


def backend_cache(request: pytest.FixtureRequest) -> Cache | None:
    """The Redis cache a cached backend needs (the server starts only when such a test runs)."""
    backend: str = request.param
    if backend.endswith("+redis-cache"):
        cache: Cache = request.getfixturevalue("redis_cache")
        return cache
    return None


@pytest.fixture(params=BACKENDS)
def stores(request: pytest.FixtureRequest, tmp_path: Path, clock: FakeClock) -> Iterator[Stores]:
    """Empty stores on each backend in turn."""
    opened = open_stores(request.param, tmp_path, clock, cache=backend_cache(request))
    yield opened
    opened.close()
