"""The injectable clocks."""

from __future__ import annotations

import threading

from statemachines.runtime import FakeClock, WallClock
from statemachines.runtime.clock import format_timestamp


def test_fake_clock_jumps_to_the_wake_time() -> None:
    clock = FakeClock(start=100.0)
    clock.sleep_until(160.5)
    assert clock.now() == 160.5


def test_fake_clock_never_goes_backwards() -> None:
    clock = FakeClock(start=100.0)
    clock.sleep_until(50.0)
    assert clock.now() == 100.0


def test_fake_clock_advances_on_demand() -> None:
    clock = FakeClock(start=0.0)
    clock.advance(60)
    assert clock.now() == 60


def test_wall_clock_wait_ends_early_when_interrupted() -> None:
    clock = WallClock()
    interrupt = threading.Event()
    interrupt.set()
    before = clock.now()
    clock.sleep_until(before + 3600, interrupt)
    assert clock.now() - before < 60


def test_context_timestamps_are_iso_utc_with_milliseconds() -> None:
    assert format_timestamp(0.25) == "1970-01-01T00:00:00.250Z"
