"""Waiting for another connection's SQLite write lock in short steps.

SQLite's own busy handler (what `sqlite3.connect(timeout=...)` installs) sleeps 1, 2, 5, 10, 15, 20, 25 ms
... between tries. When two processes write one file in transactions that last a fraction of a millisecond,
almost every wait is far shorter than its first sleep, so each collision cost a millisecond or more of a
thread that holds no lock and does nothing. Connections opened with `timeout=0` fail at once instead, and
`when_unlocked` tries again after 50 µs, doubling the pause up to 5 ms, for up to 30 s in all.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable
from typing import TypeVar

__all__ = ["BUSY_SECONDS", "is_busy", "when_unlocked"]

T = TypeVar("T")

BUSY_SECONDS = 30.0
"""How long a statement waits for the file's lock before its `database is locked` error is raised."""
_FIRST_PAUSE = 0.00005
_LONGEST_PAUSE = 0.005


def is_busy(error: sqlite3.OperationalError) -> bool:
    """Whether the error is SQLITE_BUSY (any of its extended codes): another connection holds the lock."""
    code = getattr(error, "sqlite_errorcode", None)
    if isinstance(code, int):
        return code & 0xFF == sqlite3.SQLITE_BUSY
    return "database is locked" in str(error)


def when_unlocked(run: Callable[[], T], *, seconds: float = BUSY_SECONDS) -> T:
    """`run()`, tried again while it fails because the database is locked (see the module docstring).

    `run` must be safe to repeat after such a failure: one statement, or a `BEGIN IMMEDIATE` (a statement
    that failed busy changed nothing).
    """
    try:
        return run()
    except sqlite3.OperationalError as exc:
        if not is_busy(exc):
            raise
    deadline = time.monotonic() + seconds
    pause = _FIRST_PAUSE
    while True:
        time.sleep(pause)
        try:
            return run()
        except sqlite3.OperationalError as exc:
            if not is_busy(exc) or time.monotonic() >= deadline:
                raise
        pause = min(pause * 2, _LONGEST_PAUSE)
