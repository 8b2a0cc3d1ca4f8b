"""The local engine's clock: short sleeps happen, long ones "park" the job so it holds no worker.

`Runtime` sleeps through Wait states and timeouts on its clock. Raising from `sleep_until` ends the
job (the execution is checkpointed before every sleep); the engine then sets a timer that continues
the execution when the time comes. Closing the engine interrupts sleeps the same way.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from statemachines.runtime import Clock

__all__ = ["Closing", "Parked", "ParkingClock", "Waiter"]


class Parked(Exception):
    """Raised by the clock instead of a long sleep: the job ends, a `Waiter` continues it at `when`
    (or as soon as `interrupt` is set: a pooled task finished, a token was answered, a stop)."""

    def __init__(self, when: float, interrupt: threading.Event | None) -> None:
        super().__init__(when)
        self.when = when
        self.interrupt = interrupt


class Waiter:
    """Calls `fire` after `delay` seconds or when `interrupt` is set, unless cancelled first."""

    def __init__(self, delay: float, interrupt: threading.Event | None, fire: Callable[[], None]) -> None:
        self._delay = delay
        self._interrupt = interrupt or threading.Event()
        self._fire = fire
        self._cancelled = threading.Event()
        self._thread = threading.Thread(target=self._run, name="deca-engine-waiter", daemon=True)

    def start(self) -> None:
        """Start waiting."""
        self._thread.start()

    def cancel(self) -> None:
        """Do not fire (the thread ends at its next wake-up)."""
        self._cancelled.set()

    def _run(self) -> None:
        self._interrupt.wait(self._delay)
        if not self._cancelled.is_set():
            self._fire()


class Closing(Exception):
    """Raised by the clock when the engine closes: the execution stays checkpointed as it is."""


class ParkingClock:
    """The runtime's clock: short sleeps happen, long ones park the job; closing interrupts both."""

    def __init__(
        self,
        inner: Clock,
        park_after: float | None,
        closing: threading.Event,
        *,
        around_sleep: Callable[[Callable[[], None]], None] | None = None,
    ) -> None:
        self._inner = inner
        self._park_after = park_after
        self._closing = closing
        self._around_sleep = around_sleep  # runs each short sleep (the engine gives up its CPU slot)

    def now(self) -> float:
        """The inner clock's time."""
        return self._inner.now()

    def sleep_until(self, when: float, interrupt: threading.Event | None = None) -> None:
        """Sleep briefly, or raise `Parked` for a long wait, or `Closing` when the engine stops."""
        if self._closing.is_set():
            raise Closing
        if self._park_after is not None and when - self._inner.now() > self._park_after:
            raise Parked(when, interrupt)
        if self._around_sleep is None:
            self._inner.sleep_until(when, interrupt)
        else:
            self._around_sleep(lambda: self._inner.sleep_until(when, interrupt))
        if self._closing.is_set():
            raise Closing
