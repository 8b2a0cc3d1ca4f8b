"""Source of random numbers and UUIDs for `States.UUID`, `States.MathRandom`, `$uuid` and `$random`.

The runtime never draws randomness directly: these functions ask the current `Entropy`, which is
the system source unless a caller (a test, a replay) installs another with `use_entropy`.
"""

from __future__ import annotations

import random
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Protocol

__all__ = ["Entropy", "SeededEntropy", "SystemEntropy", "current_entropy", "use_entropy"]


class Entropy(Protocol):
    """Where random values come from."""

    def uuid4(self) -> str:
        """A random RFC 4122 version 4 UUID string."""
        ...

    def randint(self, low: int, high: int) -> int:
        """A random integer N with low <= N <= high."""
        ...

    def random(self) -> float:
        """A random float in [0, 1)."""
        ...


class SystemEntropy:
    """Randomness from the operating system."""

    def __init__(self) -> None:
        self._random = random.SystemRandom()

    def uuid4(self) -> str:
        """A random version 4 UUID string."""
        return str(uuid.uuid4())

    def randint(self, low: int, high: int) -> int:
        """A random integer in [low, high]."""
        return self._random.randint(low, high)

    def random(self) -> float:
        """A random float in [0, 1)."""
        return self._random.random()


class SeededEntropy:
    """Deterministic randomness from a seed (tests, reproducible runs)."""

    def __init__(self, seed: int | str) -> None:
        self._random = random.Random(seed)

    def uuid4(self) -> str:
        """A pseudo-random version 4 UUID string."""
        return str(uuid.UUID(int=self._random.getrandbits(128), version=4))

    def randint(self, low: int, high: int) -> int:
        """A pseudo-random integer in [low, high]."""
        return self._random.randint(low, high)

    def random(self) -> float:
        """A pseudo-random float in [0, 1)."""
        return self._random.random()


_SYSTEM = SystemEntropy()
_current: ContextVar[Entropy] = ContextVar("statemachines_runtime_entropy", default=_SYSTEM)


def current_entropy() -> Entropy:
    """The entropy source in effect for this context."""
    return _current.get()


@contextmanager
def use_entropy(source: Entropy) -> Iterator[Entropy]:
    """Install `source` for the duration of the block (per thread / asyncio task)."""
    token = _current.set(source)
    try:
        yield source
    finally:
        _current.reset(token)
