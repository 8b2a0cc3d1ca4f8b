"""An injectable wall clock, so stores and caches can be tested without waiting."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Protocol

__all__ = ["Clock", "SystemClock", "utcnow"]


def utcnow() -> datetime:
    """The current time, timezone-aware in UTC."""
    return datetime.now(UTC)


class Clock(Protocol):
    """Tells the time: production uses `SystemClock`, tests advance a fake one."""

    def now(self) -> datetime:
        """The current time, timezone-aware in UTC."""
        ...


class SystemClock:
    """The real clock."""

    def now(self) -> datetime:
        """The current time, timezone-aware in UTC."""
        return utcnow()
