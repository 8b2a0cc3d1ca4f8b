"""The read-through cache of flows and executions: hits, expiry, delete-on-write across processes, outages."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis
from redis.backoff import NoBackoff
from redis.retry import Retry

from deca.cache import Cache, MemoryCache, RedisCache
from deca.errors import NotFoundError
from deca.stores import Stores, sqlite_stores
from deca.stores.cached import RecordCache, cached_stores
from tests.fakes import records
from tests.fakes.clock import FakeClock

TTL = 60


@pytest.fixture
def durable(tmp_path: Path) -> Iterator[Stores]:
    """The SQLite stores the cached wrappers sit in front of, holding flow-1 (v1) and exec-1."""
    stores = sqlite_stores(tmp_path / "deca.db")
    stores.flows.create_with_version("ws-1", records.flow(), records.flow_version())
    stores.executions.create("ws-1", records.execution())
    yield stores
    stores.close()


def test_reads_are_answered_from_the_cache_until_the_ttl_passes(durable: Stores) -> None:
    clock = FakeClock()
    cached = cached_stores(durable, MemoryCache(clock), ttl_seconds=TTL)
    assert cached.flows.get("ws-1", "flow-1").name == "Flow flow-1"
    assert cached.executions.get("ws-1", "exec-1").status == "running"

    # A write that bypasses the wrappers (another process without the cache) ...
    durable.flows.update("ws-1", records.flow(name="renamed"))
    durable.executions.update_status("ws-1", "exec-1", "succeeded")

    # ... is not seen while the cached copies live, and is once they expire.
    assert cached.flows.get("ws-1", "flow-1").name == "Flow flow-1"
    assert cached.executions.get("ws-1", "exec-1").status == "running"
    clock.advance(TTL + 1)
    assert cached.flows.get("ws-1", "flow-1").name == "renamed"
    assert cached.executions.get("ws-1", "exec-1").status == "succeeded"


@pytest.fixture
def two_processes(durable: Stores, redis_cache: Cache) -> tuple[Stores, Stores]:
    """Two processes' cached stores on the same database and the same Redis."""
    return (
        cached_stores(durable, redis_cache, ttl_seconds=TTL),
        cached_stores(durable, redis_cache, ttl_seconds=TTL),
    )


def test_a_write_through_one_wrapper_is_seen_by_the_next_read_of_another(
    two_processes: tuple[Stores, Stores],
) -> None:
    reader, writer = two_processes
    assert reader.flows.get("ws-1", "flow-1").published_version is None
    assert reader.executions.get("ws-1", "exec-1").status == "running"

    writer.flows.add_version("ws-1", records.flow_version(version=2))
    assert reader.flows.get("ws-1", "flow-1").latest_version == 2
    writer.flows.update("ws-1", records.flow(published_version=2))
    assert reader.flows.get("ws-1", "flow-1").published_version == 2
    writer.executions.update_status("ws-1", "exec-1", "succeeded", output={"ok": True})
    assert reader.executions.get("ws-1", "exec-1").output == {"ok": True}


def test_deleting_a_flow_forgets_its_cached_versions(two_processes: tuple[Stores, Stores]) -> None:
    reader, writer = two_processes
    writer.flows.add_version("ws-1", records.flow_version(version=2))
    assert reader.flows.get_version("ws-1", "flow-1", 2).version == 2

    writer.flows.delete("ws-1", "flow-1")

    with pytest.raises(NotFoundError):
        reader.flows.get_version("ws-1", "flow-1", 2)
    # A new flow with the same id never shows the old one's version 1.
    recreated = records.flow_version(definition={"id": "flow-1", "nodes": ["new"]})
    writer.flows.create_with_version("ws-1", records.flow(), recreated)
    assert reader.flows.get_version("ws-1", "flow-1", 1).definition == {"id": "flow-1", "nodes": ["new"]}


def test_keys_hold_the_workspace_and_quote_the_ids() -> None:
    assert RecordCache.key("flow", "ws:1", "a") != RecordCache.key("flow", "ws", "1:a")
    assert RecordCache.key("execution", "ws-1", "exec-1") == "store:execution:ws-1:exec-1"


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


def test_an_unreachable_cache_falls_back_to_the_store(durable: Stores) -> None:
    client = redis.Redis(
        host="127.0.0.1", port=_closed_port(), socket_connect_timeout=1, retry=Retry(NoBackoff(), 0)
    )
    cached = cached_stores(durable, RedisCache(client), ttl_seconds=TTL)

    cached.executions.update_status("ws-1", "exec-1", "failed")

    assert cached.executions.get("ws-1", "exec-1").status == "failed"
    assert cached.flows.get_version("ws-1", "flow-1", 1).version == 1
