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


class JavaRandom:
    """`java.util.Random`, bit for bit: AWS draws seeded random numbers with it.

    AWS returns 0.7275636800328681 for `$random(42)`, which is `new Random(42).nextDouble()`.
    """

    _MULTIPLIER = 0x5DEECE66D
    _MASK = (1 << 48) - 1

    def __init__(self, seed: int) -> None:
        self._seed = (seed ^ self._MULTIPLIER) & self._MASK

    def _next(self, bits: int) -> int:
        self._seed = (self._seed * self._MULTIPLIER + 0xB) & self._MASK
        value = self._seed >> (48 - bits)
        # Java returns a signed 32-bit int.
        return value - (1 << 32) if bits == 32 and value >= 1 << 31 else value

    def next_double(self) -> float:
        """`nextDouble()`: a float in [0, 1)."""
        return ((self._next(26) << 27) + self._next(27)) * (1.0 / (1 << 53))

    def next_int(self, bound: int) -> int:
        """`nextInt(bound)`: an int in [0, bound); bound must be positive."""
        if bound <= 0:
            raise ValueError("bound must be positive")
        if bound & (bound - 1) == 0:
            return (bound * self._next(31)) >> 31
        while True:
            bits = self._next(31)
            value = bits % bound
            if bits - value + (bound - 1) < 1 << 31:
                return value
