"""The cache contract, run on `MemoryCache` (fake clock) and on `RedisCache` against a real redis-server."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import pytest
import redis

from deca.cache import Cache, MemoryCache, RedisCache, cache_from_url
from deca.errors import InputError
from tests.fakes.clock import FakeClock
from tests.fakes.redis_server import redis_binary, redis_server


@dataclass
class Harness:
    """A cache and a way to let time pass for it."""

    cache: Cache
    advance: Callable[[float], object]


@pytest.fixture(scope="module")
def redis_port(tmp_path_factory: pytest.TempPathFactory) -> Iterator[int]:
    """One real redis-server for the module."""
    if redis_binary() is None:
        pytest.skip("redis-server is not installed (scripts/setup.sh installs the Debian package)")
    with redis_server(tmp_path_factory.mktemp("redis")) as port:
        yield port


@pytest.fixture
def redis_client(redis_port: int) -> Iterator[redis.Redis]:
    """A client on an emptied database."""
    client = redis.Redis(host="127.0.0.1", port=redis_port)
    client.flushdb()
    yield client
    client.close()


def _redis_advance(client: redis.Redis) -> Callable[[float], None]:
    """Let time pass in Redis by shortening every key's TTL (a TTL at or below 0 deletes the key)."""

    def advance(seconds: float) -> None:
        for key in client.scan_iter():
            remaining = int(client.pttl(key))
            if remaining >= 0:
                client.pexpire(key, remaining - round(seconds * 1000))

    return advance


@pytest.fixture(params=["memory", "redis"])
def harness(request: pytest.FixtureRequest) -> Harness:
    """Each cache in turn."""
    if request.param == "memory":
        clock = FakeClock()
        return Harness(MemoryCache(clock), clock.advance)
    client: redis.Redis = request.getfixturevalue("redis_client")
    return Harness(RedisCache(client, prefix="test:"), _redis_advance(client))


def test_missing_key_is_none(harness: Harness) -> None:
    assert harness.cache.get("nope") is None


def test_set_value_is_returned(harness: Harness) -> None:
    harness.cache.set("k", "välue")

    assert harness.cache.get("k") == "välue"


def test_set_overwrites(harness: Harness) -> None:
    harness.cache.set("k", "one")
    harness.cache.set("k", "two")

    assert harness.cache.get("k") == "two"


def test_value_lives_until_its_ttl(harness: Harness) -> None:
    harness.cache.set("k", "v", ttl_seconds=10)

    harness.advance(9)

    assert harness.cache.get("k") == "v"


def test_value_expires_after_its_ttl(harness: Harness) -> None:
    harness.cache.set("k", "v", ttl_seconds=10)

    harness.advance(10)

    assert harness.cache.get("k") is None


def test_value_without_ttl_does_not_expire(harness: Harness) -> None:
    harness.cache.set("k", "v")

    harness.advance(10**6)

    assert harness.cache.get("k") == "v"


def test_delete_reports_whether_the_key_existed(harness: Harness) -> None:
    harness.cache.set("k", "v")

    assert harness.cache.delete("k") is True
    assert harness.cache.delete("k") is False
    assert harness.cache.get("k") is None


def test_add_stores_only_when_absent(harness: Harness) -> None:
    assert harness.cache.add("k", "first", ttl_seconds=5) is True
    assert harness.cache.add("k", "second") is False

    assert harness.cache.get("k") == "first"


def test_add_succeeds_again_after_expiry(harness: Harness) -> None:
    harness.cache.add("k", "first", ttl_seconds=5)
    harness.advance(5)

    assert harness.cache.add("k", "second") is True
    assert harness.cache.get("k") == "second"


def test_incr_counts_from_zero(harness: Harness) -> None:
    assert harness.cache.incr("hits") == 1
    assert harness.cache.incr("hits", 5) == 6
    assert harness.cache.get("hits") == "6"


def test_incr_window_is_not_extended_by_later_increments(harness: Harness) -> None:
    harness.cache.incr("rate", ttl_seconds=60)
    harness.advance(30)
    harness.cache.incr("rate", ttl_seconds=60)

    harness.advance(30)

    assert harness.cache.incr("rate", ttl_seconds=60) == 1


def test_incr_counts_within_the_window(harness: Harness) -> None:
    for _ in range(3):
        harness.cache.incr("rate", ttl_seconds=60)
    harness.advance(59)

    assert harness.cache.incr("rate", ttl_seconds=60) == 4


def test_incr_of_a_non_integer_is_an_input_error(harness: Harness) -> None:
    harness.cache.set("k", "text")

    with pytest.raises(InputError):
        harness.cache.incr("k")


@pytest.mark.parametrize("ttl", [0, -1.5], ids=["zero", "negative"])
def test_non_positive_ttl_is_an_input_error(harness: Harness, ttl: float) -> None:
    with pytest.raises(InputError):
        harness.cache.set("k", "v", ttl_seconds=ttl)


def test_empty_key_is_an_input_error(harness: Harness) -> None:
    with pytest.raises(InputError):
        harness.cache.set("", "v")


def test_concurrent_increments_are_all_counted(harness: Harness) -> None:
    def count() -> None:
        for _ in range(50):
            harness.cache.incr("n", ttl_seconds=60)

    workers = [threading.Thread(target=count) for _ in range(4)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=30)

    assert harness.cache.get("n") == "200"


def test_redis_keys_carry_the_prefix(redis_client: redis.Redis) -> None:
    RedisCache(redis_client, prefix="deca:").set("k", "v", ttl_seconds=30)

    assert redis_client.get("deca:k") == b"v"
    assert 0 < int(redis_client.pttl("deca:k")) <= 30_000


def test_redis_fractional_ttl_is_kept_in_milliseconds(redis_client: redis.Redis) -> None:
    RedisCache(redis_client).set("k", "v", ttl_seconds=1.5)

    assert 1000 < int(redis_client.pttl("k")) <= 1500


def test_memory_cache_forgets_expired_entries_when_sweeping() -> None:
    clock = FakeClock()
    cache = MemoryCache(clock)
    cache.set("old", "v", ttl_seconds=1)
    clock.advance(1)

    for i in range(MemoryCache._SWEEP_EVERY):
        cache.set(f"k{i}", "v")

    assert "old" not in cache._entries


def test_memory_url_opens_a_memory_cache() -> None:
    assert isinstance(cache_from_url("memory://"), MemoryCache)


def test_redis_url_opens_a_prefixed_redis_cache(redis_port: int, redis_client: redis.Redis) -> None:
    cache = cache_from_url(f"redis://127.0.0.1:{redis_port}/0", prefix="app:")

    cache.set("k", "v")

    assert redis_client.get("app:k") == b"v"


def test_unknown_cache_url_is_an_input_error() -> None:
    with pytest.raises(InputError):
        cache_from_url("memcached://x")


def test_a_redis_that_never_answers_fails_fast_instead_of_hanging() -> None:
    import socket

    with socket.socket() as silent:  # accepts connections (the backlog) and never answers a command
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)
        cache = cache_from_url(f"redis://127.0.0.1:{silent.getsockname()[1]}/0")

        with pytest.raises(redis.exceptions.TimeoutError):
            cache.get("k")
