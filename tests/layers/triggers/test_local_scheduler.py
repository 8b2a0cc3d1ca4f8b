"""The local scheduler under a fake clock: due runs start once, missed runs follow the trigger's policy."""

from __future__ import annotations

import threading
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from deca.triggers.local_scheduler import FileScheduleState, LocalScheduler
from deca.triggers.schedules import ScheduledRun, execution_name
from tests.fakes.clock import FakeClock
from tests.layers.triggers.flows import flow_with

START = datetime(2024, 1, 1, 8, 59, 30, tzinfo=UTC)


def _scheduler(clock: FakeClock, **kwargs: Any) -> tuple[LocalScheduler, list[ScheduledRun]]:
    started: list[ScheduledRun] = []
    return LocalScheduler(clock, started.append, **kwargs), started


def test_run_starts_at_its_fire_time_with_a_derived_name() -> None:
    # Given an hourly schedule published at 08:59:30
    clock = FakeClock(START)
    scheduler, started = _scheduler(clock)
    scheduler.publish(
        "ws", "daily-report", flow_with({"type": "schedule", "cron": "0 * * * *", "input": {"a": 1}})
    )
    # When the clock passes 09:00
    clock.advance(31)
    scheduler.tick()
    # Then one run, named from the flow, trigger and scheduled time
    assert [(r.execution_name, r.input) for r in started] == [("daily-report-0-20240101T090000Z", {"a": 1})]


def test_repeated_tick_starts_nothing() -> None:
    clock = FakeClock(START)
    scheduler, started = _scheduler(clock)
    scheduler.publish("ws", "daily-report", flow_with({"type": "schedule", "cron": "0 * * * *"}))
    clock.advance(31)
    scheduler.tick()
    # When the same instant is ticked again
    assert scheduler.tick() == []
    assert len(started) == 1


def test_nothing_is_due_before_the_fire_time() -> None:
    clock = FakeClock(START)
    scheduler, started = _scheduler(clock)
    scheduler.publish("ws", "daily-report", flow_with({"type": "schedule", "cron": "0 * * * *"}))
    clock.advance(29)
    assert (scheduler.tick(), started) == ([], [])


def test_seconds_field_fires_each_matching_second() -> None:
    clock = FakeClock(START)
    scheduler, started = _scheduler(clock)
    scheduler.publish("ws", "f", flow_with({"type": "schedule", "cron": "*/10 * * * * *"}))
    for _ in range(3):
        clock.advance(10)
        scheduler.tick()
    assert [r.scheduled_time.second for r in started] == [40, 50, 0]


def test_missed_runs_are_skipped_by_default() -> None:
    # Given the studio is down for three hours
    clock = FakeClock(START)
    scheduler, started = _scheduler(clock)
    scheduler.publish("ws", "f", flow_with({"type": "schedule", "cron": "0 * * * *"}))
    clock.advance(3 * 3600)
    # When it ticks again
    scheduler.tick()
    # Then none of the missed hourly runs start
    assert started == []


def test_run_once_policy_runs_the_latest_missed_run_once() -> None:
    clock = FakeClock(START)
    scheduler, started = _scheduler(clock)
    scheduler.publish("ws", "f", flow_with({"type": "schedule", "cron": "0 * * * *", "missed": "run_once"}))
    clock.advance(3 * 3600)
    scheduler.tick()
    scheduler.tick()
    assert [r.scheduled_time for r in started] == [datetime(2024, 1, 1, 11, tzinfo=UTC)]


def test_missed_runs_are_recognised_after_a_restart(tmp_path: Path) -> None:
    # Given a scheduler that handled up to 08:59:30, then stopped
    clock = FakeClock(START)
    state_file = tmp_path / "schedules.json"
    flow = flow_with({"type": "schedule", "cron": "0 * * * *", "missed": "run_once"})
    LocalScheduler(clock, lambda run: None, state=FileScheduleState(state_file)).publish("ws", "f", flow)
    # When a new scheduler starts two hours later with the same state file
    clock.advance(2 * 3600)
    scheduler, started = _scheduler(clock, state=FileScheduleState(state_file))
    scheduler.publish("ws", "f", flow)
    scheduler.tick()
    # Then the latest missed run starts once
    assert [r.execution_name for r in started] == [
        execution_name("f", 0, datetime(2024, 1, 1, 10, tzinfo=UTC))
    ]


def test_start_and_end_bound_the_runs() -> None:
    clock = FakeClock(START)
    scheduler, started = _scheduler(clock)
    window = {"start": "2024-01-01T10:00:00Z", "end": "2024-01-01T11:00:00Z"}
    scheduler.publish("ws", "f", flow_with({"type": "schedule", "cron": "0 * * * *", **window}))
    clock.advance(40)  # ticks fall 10 s after each full hour, 09:00:10 to 12:00:10
    for _ in range(4):
        clock.advance(3600)
        scheduler.tick()
    assert [r.scheduled_time.hour for r in started] == [10, 11]


def test_unpublish_stops_the_schedule() -> None:
    clock = FakeClock(START)
    scheduler, started = _scheduler(clock)
    scheduler.publish("ws", "f", flow_with({"type": "schedule", "cron": "0 * * * *"}))
    scheduler.unpublish("ws", "f")
    clock.advance(60)
    assert (scheduler.tick(), scheduler.schedules, started) == ([], [], [])


def test_each_trigger_of_a_flow_is_its_own_schedule() -> None:
    clock = FakeClock(START)
    scheduler, started = _scheduler(clock)
    flow = flow_with(
        {"type": "manual"},
        {"type": "schedule", "cron": "0 9 * * *"},
        {"type": "schedule", "cron": "0 * * * *"},
    )
    scheduler.publish("ws", "f", flow)
    clock.advance(31)
    scheduler.tick()
    assert sorted(r.execution_name for r in started) == ["f-1-20240101T090000Z", "f-2-20240101T090000Z"]


def test_execution_name_fits_step_functions_limits() -> None:
    name = execution_name("a very long flow id/with spaces" * 5, 3, datetime(2024, 1, 1, tzinfo=UTC))
    assert len(name) <= 80
    assert name.endswith("-3-20240101T000000Z")
    assert all(c.isalnum() or c in "-_" for c in name)


def test_run_loop_ticks_until_stopped() -> None:
    # Given a loop whose start callback stops it once the first run started
    clock = FakeClock(START)
    stop = threading.Event()
    started: list[ScheduledRun] = []

    def start(run: ScheduledRun) -> None:
        started.append(run)
        stop.set()

    scheduler = LocalScheduler(clock, start)
    scheduler.publish("ws", "f", flow_with({"type": "schedule", "cron": "0 * * * *"}))
    clock.advance(31)
    # When the loop runs
    scheduler.run(stop, interval=0)
    # Then it returned after starting the due run
    assert len(started) == 1
