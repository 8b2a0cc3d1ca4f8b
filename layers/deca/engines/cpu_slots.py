"""How many engine jobs run Python at once: a slot per core, given up while a node waits on I/O.

In one Python process only one thread runs Python at a time. Eight engine jobs stepping CPU-bound flows
at once make every other thread (the webhook and API requests among them) wait longer for its turn, so
answers are late; yet a job must not hold a worker's turn while its node waits for an LLM or an HTTP
call. A job holds one of `slots` while it steps its execution, and gives it up for the time a node's
handler runs (`released`), so a slow node never keeps other executions waiting.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TypeVar

__all__ = ["CpuSlots"]

T = TypeVar("T")


class CpuSlots:
    """A counting gate whose holder is known per thread (so `released` is a no-op on other threads)."""

    def __init__(self, slots: int) -> None:
        if slots < 1:
            raise ValueError(f"slots must be at least 1, got {slots}")
        self.slots = slots
        self._gate = threading.BoundedSemaphore(slots)
        self._held = threading.local()

    def _holding(self) -> bool:
        return bool(getattr(self._held, "value", False))

    @contextmanager
    def hold(self) -> Iterator[None]:
        """Take a slot for the block (waiting for one); re-entrant on the thread that holds one."""
        if self._holding():
            yield
            return
        self._gate.acquire()
        self._held.value = True
        try:
            yield
        finally:
            self._held.value = False
            self._gate.release()

    def released(self, call: Callable[[], T]) -> T:
        """Run `call` without this thread's slot (if it holds one), then take a slot again."""
        if not self._holding():
            return call()
        self._held.value = False
        self._gate.release()
        try:
            return call()
        finally:
            self._gate.acquire()
            self._held.value = True

    def held_here(self) -> bool:
        """Whether the calling thread holds a slot."""
        return self._holding()
