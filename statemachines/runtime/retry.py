"""Retry and Catch: error matching and backoff with AWS's defaults and semantics."""

from __future__ import annotations

import random
from typing import Any

from statemachines.runtime.errors import DefinitionError

__all__ = ["Catcher", "Retrier", "error_matches"]


def error_matches(names: frozenset[str], error: str | None) -> bool:
    """True when an `ErrorEquals` list matches `error`.

    `States.ALL` matches everything; `States.TaskFailed` everything but `States.Timeout`.
    """
    if "States.ALL" in names:
        return True
    if error is None:
        return False
    if error in names:
        return True
    return "States.TaskFailed" in names and error not in ("States.Timeout", "States.HeartbeatTimeout")


class Retrier:
    """One `Retry` entry."""

    __slots__ = ("backoff", "errors", "interval", "jitter", "max_attempts", "max_delay")

    def __init__(self, spec: dict[str, Any], state: str) -> None:
        errors = spec.get("ErrorEquals")
        if not isinstance(errors, list) or not errors:
            raise DefinitionError(
                f"State '{state}': Retry needs a non-empty 'ErrorEquals' list", state=state, field="Retry"
            )
        self.errors = frozenset(errors)
        self.interval = float(spec.get("IntervalSeconds", 1))
        self.max_attempts = int(spec.get("MaxAttempts", 3))
        self.backoff = float(spec.get("BackoffRate", 2.0))
        max_delay = spec.get("MaxDelaySeconds")
        self.max_delay = float(max_delay) if max_delay is not None else None
        self.jitter = spec.get("JitterStrategy", "NONE") == "FULL"

    def matches(self, error: str | None) -> bool:
        """True when this retrier handles `error`."""
        return error_matches(self.errors, error)

    def delay(self, attempt: int, rng: random.Random) -> float:
        """Seconds to wait before retry number `attempt + 1` (attempt counts from 0)."""
        delay = self.interval * (self.backoff**attempt)
        if self.max_delay is not None:
            delay = min(delay, self.max_delay)
        if self.jitter:
            delay = rng.uniform(0, delay)
        return delay


class Catcher:
    """One `Catch` entry; the owning state compiles its output templates."""

    __slots__ = ("assign", "errors", "next", "output", "result_path")

    def __init__(self, spec: dict[str, Any], state: str) -> None:
        errors = spec.get("ErrorEquals")
        if not isinstance(errors, list) or not errors:
            raise DefinitionError(
                f"State '{state}': Catch needs a non-empty 'ErrorEquals' list", state=state, field="Catch"
            )
        if not isinstance(spec.get("Next"), str):
            raise DefinitionError(f"State '{state}': Catch needs 'Next'", state=state, field="Catch")
        self.errors = frozenset(errors)
        self.next: str = spec["Next"]
        self.result_path: Any = None
        self.output: Any = None
        self.assign: Any = None

    def matches(self, error: str | None) -> bool:
        """True when this catcher handles `error`."""
        return error_matches(self.errors, error)
