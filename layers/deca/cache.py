"""The cache port and its adapters: in-process (`MemoryCache`) and Redis / ElastiCache (`RedisCache`).

Values are strings (serialise JSON yourself); TTLs are seconds (fractions allowed). `incr` counts within a
fixed window: the TTL is set when the counter is created and not extended by later increments, which is
what a rate limiter needs.
"""

from __future__ import annotations

import math
import threading
from datetime import datetime, timedelta
from typing import Protocol

from redis import Redis
from redis.backoff import NoBackoff
from redis.exceptions import ResponseError
from redis.retry import Retry

from deca.clock import Clock, SystemClock
from deca.errors import InputError

__all__ = ["Cache", "MemoryCache", "RedisCache", "cache_from_url"]


def _check(key: str, ttl_seconds: float | None) -> None:
    if not key:
        raise InputError("cache key must not be empty")
    if ttl_seconds is not None and not ttl_seconds > 0:
        raise InputError(f"cache TTL must be positive, got {ttl_seconds}")


class Cache(Protocol):
    """A key-value cache with expiry and counters."""

    def get(self, key: str) -> str | None:
        """The live value of `key`, or None."""
        ...

    def set(self, key: str, value: str, *, ttl_seconds: float | None = None) -> None:
        """Store a value, expiring after `ttl_seconds` (never if None)."""
        ...

    def add(self, key: str, value: str, *, ttl_seconds: float | None = None) -> bool:
        """Store a value only if the key has no live value; whether it was stored."""
        ...

    def delete(self, key: str) -> bool:
        """Remove a key; whether it had a live value."""
        ...

    def incr(self, key: str, amount: int = 1, *, ttl_seconds: float | None = None) -> int:
        """Add to an integer counter (created at 0 with `ttl_seconds`); the new count.

        Raises `InputError` if the key holds a value that is not an integer.
        """
        ...


class MemoryCache:
    """An in-process cache, thread-safe; expiry follows the injected clock."""

    _SWEEP_EVERY = 1024

    def __init__(self, clock: Clock | None = None) -> None:
        self._clock = clock or SystemClock()
        self._lock = threading.Lock()
        self._entries: dict[str, tuple[str, datetime | None]] = {}
        self._writes = 0

    def _expiry(self, ttl_seconds: float | None) -> datetime | None:
        return self._clock.now() + timedelta(seconds=ttl_seconds) if ttl_seconds is not None else None

    def _live(self, key: str) -> tuple[str, datetime | None] | None:
        entry = self._entries.get(key)
        if entry is not None and entry[1] is not None and entry[1] <= self._clock.now():
            del self._entries[key]
            return None
        return entry

    def _store(self, key: str, value: str, expires: datetime | None) -> None:
        self._entries[key] = (value, expires)
        self._writes += 1
        if self._writes % self._SWEEP_EVERY == 0:
            for stale in [
                k for k, (_, at) in self._entries.items() if at is not None and at <= self._clock.now()
            ]:
                del self._entries[stale]

    def get(self, key: str) -> str | None:
        """The live value of `key`, or None."""
        with self._lock:
            entry = self._live(key)
            return entry[0] if entry is not None else None

    def set(self, key: str, value: str, *, ttl_seconds: float | None = None) -> None:
        """Store a value, expiring after `ttl_seconds` (never if None)."""
        _check(key, ttl_seconds)
        with self._lock:
            self._store(key, value, self._expiry(ttl_seconds))

    def add(self, key: str, value: str, *, ttl_seconds: float | None = None) -> bool:
        """Store a value only if the key has no live value; whether it was stored."""
        _check(key, ttl_seconds)
        with self._lock:
            if self._live(key) is not None:
                return False
            self._store(key, value, self._expiry(ttl_seconds))
            return True

    def delete(self, key: str) -> bool:
        """Remove a key; whether it had a live value."""
        with self._lock:
            found = self._live(key) is not None
            self._entries.pop(key, None)
            return found

    def incr(self, key: str, amount: int = 1, *, ttl_seconds: float | None = None) -> int:
        """Add to an integer counter (created at 0 with `ttl_seconds`); the new count."""
        _check(key, ttl_seconds)
        with self._lock:
            entry = self._live(key)
            if entry is None:
                entry = ("0", self._expiry(ttl_seconds))
            try:
                count = int(entry[0]) + amount
            except ValueError as exc:
                raise InputError(f"cache key {key!r} does not hold an integer") from exc
            self._store(key, str(count), entry[1])
            return count


class RedisCache:
    """The cache on Redis (ElastiCache in AWS) through a ready `redis.Redis` client; keys get `prefix`."""

    def __init__(self, client: Redis, *, prefix: str = "") -> None:
        self._client = client
        self._prefix = prefix

    @staticmethod
    def _ms(ttl_seconds: float | None) -> int | None:
        return max(1, math.ceil(ttl_seconds * 1000)) if ttl_seconds is not None else None

    @staticmethod
    def _text(value: object) -> str | None:
        if value is None:
            return None
        return value.decode() if isinstance(value, bytes) else str(value)

    def get(self, key: str) -> str | None:
        """The live value of `key`, or None."""
        return self._text(self._client.get(self._prefix + key))

    def set(self, key: str, value: str, *, ttl_seconds: float | None = None) -> None:
        """Store a value, expiring after `ttl_seconds` (never if None)."""
        _check(key, ttl_seconds)
        self._client.set(self._prefix + key, value, px=self._ms(ttl_seconds))

    def add(self, key: str, value: str, *, ttl_seconds: float | None = None) -> bool:
        """Store a value only if the key has no live value; whether it was stored."""
        _check(key, ttl_seconds)
        return bool(self._client.set(self._prefix + key, value, nx=True, px=self._ms(ttl_seconds)))

    def delete(self, key: str) -> bool:
        """Remove a key; whether it had a live value."""
        return int(self._client.delete(self._prefix + key)) > 0

    def incr(self, key: str, amount: int = 1, *, ttl_seconds: float | None = None) -> int:
        """Add to an integer counter (created at 0 with `ttl_seconds`); the new count."""
        _check(key, ttl_seconds)
        name = self._prefix + key
        # MULTI/EXEC: create the counter with its TTL only if absent, then add, as one step.
        pipe = self._client.pipeline(transaction=True)
        if ttl_seconds is not None:
            pipe.set(name, 0, nx=True, px=self._ms(ttl_seconds))
        pipe.incrby(name, amount)
        try:
            results = pipe.execute()
        except ResponseError as exc:
            raise InputError(f"cache key {key!r} does not hold an integer") from exc
        return int(results[-1])


_REDIS_TIMEOUT_SECONDS = 0.5


def cache_from_url(url: str, *, clock: Clock | None = None, prefix: str = "deca:") -> Cache:
    """The cache a URL names: `memory://`, or `redis://` / `rediss://` (TLS, as ElastiCache uses).

    Raises:
        InputError: the scheme is neither.
    """
    scheme = url.split(":", 1)[0].lower()
    if scheme == "memory":
        return MemoryCache(clock)
    if scheme in {"redis", "rediss"}:
        # A cache must fail fast: when Redis is unreachable, callers fall back to the store at once
        # rather than after the client's default retries (URL query parameters still override these).
        return RedisCache(
            Redis.from_url(
                url,
                socket_connect_timeout=_REDIS_TIMEOUT_SECONDS,
                socket_timeout=_REDIS_TIMEOUT_SECONDS,
                retry=Retry(NoBackoff(), 1),
            ),
            prefix=prefix,
        )
    raise InputError(f"unknown cache URL scheme {scheme!r}: use memory:// or redis://")
