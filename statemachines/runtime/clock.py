"""Injectable clocks: the interpreter never reads the time or sleeps except through one of these."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime
from typing import Protocol

__all__ = ["Clock", "FakeClock", "WallClock", "format_timestamp"]

# 2026-01-01T00:00:00Z: a fixed, deterministic start for FakeClock.
_FAKE_EPOCH = 1767225600.0


class Clock(Protocol):
    """Source of time for executions (seconds since the Unix epoch)."""

    def now(self) -> float:
        """Return the current time in seconds since the epoch."""
        ...

    def sleep_until(self, when: float, interrupt: threading.Event | None = None) -> None:
        """Block until `when` (or until `interrupt` is set)."""
        ...


class WallClock:
    """The real clock: `sleep_until` really waits."""

    def now(self) -> float:
        """Return the real current time."""
        return time.time()

    def sleep_until(self, when: float, interrupt: threading.Event | None = None) -> None:
        """Wait for real until `when`; returns early when `interrupt` is set."""
        delay = when - time.time()
        if delay <= 0:
            return
        if interrupt is None:
            interrupt = threading.Event()
        interrupt.wait(delay)


class FakeClock:
    """A clock that only moves when told to: waits and timeouts complete instantly."""

    def __init__(self, start: float = _FAKE_EPOCH) -> None:
        self._now = start
        self._lock = threading.Lock()

    def now(self) -> float:
        """Return the fake current time."""
        return self._now

    def advance(self, seconds: float) -> None:
        """Move the fake time forward by `seconds`."""
        with self._lock:
            self._now += seconds

    def sleep_until(self, when: float, interrupt: threading.Event | None = None) -> None:
        """Jump the fake time forward to `when` (never backwards)."""
        with self._lock:
            if when > self._now:
                self._now = when


def format_timestamp(seconds: float) -> str:
    """Format epoch seconds as AWS does in the context object: ISO-8601 UTC with milliseconds."""
    dt = datetime.fromtimestamp(seconds, tz=UTC)
    return dt.strftime("%Y-%m-%dT%H:%M:%S.") + f"{dt.microsecond // 1000:03d}Z"
