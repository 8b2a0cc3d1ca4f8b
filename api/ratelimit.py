"""Per-workspace rate limiting: an in-process token bucket, or a shared window counter over the cache."""

from __future__ import annotations

import math
import threading
from typing import Protocol

from deca.auth import RateLimitedError
from deca.clock import Clock, SystemClock

__all__ = ["CacheWindowLimiter", "CounterCache", "RateLimiter", "TokenBucketLimiter"]


class RateLimiter(Protocol):
    """Admits or refuses one request of a workspace."""

    def check(self, workspace_id: str) -> None:
        """Count one request; `RateLimitedError` (with a retry delay) when over the limit."""
        ...


class CounterCache(Protocol):
    """The part of the `deca.cache.Cache` port a window limiter needs."""

    def incr(self, key: str, amount: int = 1, *, ttl_seconds: float | None = None) -> int:
        """Add to a counter created with `ttl_seconds`; the new count."""
        ...


class TokenBucketLimiter:
    """A token bucket per workspace: `burst` tokens, refilled at `per_minute` a minute (one process)."""

    def __init__(self, *, per_minute: int, burst: int, clock: Clock | None = None) -> None:
        self._rate = per_minute / 60.0
        self._burst = float(burst)
        self._clock = clock or SystemClock()
        self._buckets: dict[str, tuple[float, float]] = {}  # workspace -> (tokens, at epoch seconds)
        self._lock = threading.Lock()

    def check(self, workspace_id: str) -> None:
        """Take one token; refuse with the seconds until one is back."""
        now = self._clock.now().timestamp()
        with self._lock:
            tokens, at = self._buckets.get(workspace_id, (self._burst, now))
            tokens = min(self._burst, tokens + max(0.0, now - at) * self._rate)
            if tokens < 1.0:
                self._buckets[workspace_id] = (tokens, now)
                wait = math.ceil((1.0 - tokens) / self._rate)
                raise RateLimitedError(
                    "rate limit exceeded for this workspace", retry_after_seconds=max(1, wait)
                )
            self._buckets[workspace_id] = (tokens - 1.0, now)


class CacheWindowLimiter:
    """A fixed one-minute window counter in a shared cache (Redis): the limit holds across Lambdas."""

    def __init__(self, cache: CounterCache, *, per_minute: int, clock: Clock | None = None) -> None:
        self._cache = cache
        self._limit = per_minute
        self._clock = clock or SystemClock()

    def check(self, workspace_id: str) -> None:
        """Count the request in the current minute; refuse with the seconds left in it."""
        now = self._clock.now().timestamp()
        window = int(now // 60)
        count = self._cache.incr(f"ratelimit:{workspace_id}:{window}", ttl_seconds=120)
        if count > self._limit:
            retry = max(1, math.ceil((window + 1) * 60 - now))
            raise RateLimitedError("rate limit exceeded for this workspace", retry_after_seconds=retry)
