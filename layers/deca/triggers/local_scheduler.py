"""The local scheduler of `deca dev`: ticks under an injectable clock and starts due scheduled runs.

Each schedule remembers the time up to which it has been handled (in a `ScheduleState`, which a
file keeps across restarts). A tick starts the fire times after that mark up to now. Fire times
older than `grace` are missed runs (the studio was down): the trigger's `missed` policy skips
them or runs the latest one once. A repeated tick finds nothing new; and since run names derive
from the scheduled time, even a repeated start is one execution.
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Protocol

from deca.clock import Clock
from deca.flow.models import Flow
from deca.stores.models import format_timestamp
from deca.triggers.schedules import FlowSchedule, ScheduledRun, flow_schedules

__all__ = ["FileScheduleState", "LocalScheduler", "MemoryScheduleState", "ScheduleState", "StartRun"]

logger = logging.getLogger(__name__)

StartRun = Callable[[ScheduledRun], object]
"""Starts one scheduled run (idempotent by `execution_name`)."""


class ScheduleState(Protocol):
    """Remembers, per schedule key, the time up to which fire times have been handled."""

    def get(self, key: str) -> datetime | None:
        """The handled-up-to mark, or None for a schedule never seen."""
        ...

    def set(self, key: str, time: datetime) -> None:
        """Move the mark."""
        ...

    def delete(self, key: str) -> None:
        """Forget a schedule."""
        ...


class MemoryScheduleState:
    """A `ScheduleState` in memory (lost on restart)."""

    def __init__(self) -> None:
        self._marks: dict[str, datetime] = {}

    def get(self, key: str) -> datetime | None:
        """The handled-up-to mark, or None."""
        return self._marks.get(key)

    def set(self, key: str, time: datetime) -> None:
        """Move the mark."""
        self._marks[key] = time

    def delete(self, key: str) -> None:
        """Forget a schedule."""
        self._marks.pop(key, None)


class FileScheduleState(MemoryScheduleState):
    """A `ScheduleState` kept in a JSON file, so missed runs are recognised after a restart."""

    def __init__(self, path: Path) -> None:
        super().__init__()
        self._path = path
        if path.exists():
            for key, value in json.loads(path.read_text()).items():
                self._marks[key] = datetime.fromisoformat(value.replace("Z", "+00:00"))

    def _save(self) -> None:
        self._path.parent.mkdir(parents=True, exist_ok=True)
        temporary = self._path.with_suffix(".tmp")
        temporary.write_text(json.dumps({k: format_timestamp(v) for k, v in sorted(self._marks.items())}))
        temporary.replace(self._path)

    def set(self, key: str, time: datetime) -> None:
        """Move the mark and persist."""
        super().set(key, time)
        self._save()

    def delete(self, key: str) -> None:
        """Forget a schedule and persist."""
        super().delete(key)
        self._save()


class LocalScheduler:
    """Starts scheduled runs of published flows as the (injected) clock passes their fire times."""

    def __init__(
        self,
        clock: Clock,
        start: StartRun,
        *,
        state: ScheduleState | None = None,
        grace: timedelta = timedelta(seconds=60),
    ) -> None:
        self._clock = clock
        self._start = start
        self._state = state if state is not None else MemoryScheduleState()
        self._grace = grace
        self._schedules: dict[str, FlowSchedule] = {}
        self._lock = threading.Lock()

    def publish(self, workspace_id: str, flow_id: str, flow: Flow) -> list[FlowSchedule]:
        """Replace the flow's schedules with those of its (newly) published version."""
        schedules = list(flow_schedules(workspace_id, flow_id, flow))
        with self._lock:
            self._drop(workspace_id, flow_id, keep={s.key for s in schedules})
            now = self._clock.now()
            for schedule in schedules:
                self._schedules[schedule.key] = schedule
                if self._state.get(schedule.key) is None:
                    self._state.set(schedule.key, now)  # a new schedule has nothing to catch up on
        return schedules

    def unpublish(self, workspace_id: str, flow_id: str) -> None:
        """Stop every schedule of the flow."""
        with self._lock:
            self._drop(workspace_id, flow_id, keep=set())

    def _drop(self, workspace_id: str, flow_id: str, *, keep: set[str]) -> None:
        for key, schedule in list(self._schedules.items()):
            if (schedule.workspace_id, schedule.flow_id) == (workspace_id, flow_id) and key not in keep:
                del self._schedules[key]
                self._state.delete(key)

    @property
    def schedules(self) -> list[FlowSchedule]:
        """The active schedules, by key."""
        with self._lock:
            return [self._schedules[k] for k in sorted(self._schedules)]

    def due_runs(self, schedule: FlowSchedule, now: datetime) -> list[ScheduledRun]:
        """The runs one schedule owes at `now`, after applying its missed-run policy."""
        mark = self._state.get(schedule.key) or now
        due = schedule.due(mark, now)
        on_time = [t for t in due if now - t <= self._grace]
        missed = [t for t in due if now - t > self._grace]
        if missed and schedule.trigger.missed == "run_once":
            on_time.insert(0, missed[-1])
        if missed:
            logger.info(
                "missed scheduled runs",
                extra={"schedule": schedule.key, "missed": len(missed), "policy": schedule.trigger.missed},
            )
        return [schedule.run(t) for t in on_time]

    def tick(self) -> list[ScheduledRun]:
        """Start every run due now; returns them (a repeated tick at the same time returns none)."""
        now = self._clock.now()
        started: list[ScheduledRun] = []
        with self._lock:
            for key in sorted(self._schedules):
                schedule = self._schedules[key]
                runs = self.due_runs(schedule, now)
                for run in runs:
                    self._start(run)
                    started.append(run)
                self._state.set(key, now)
        return started

    def run(self, stop: threading.Event, interval: float = 1.0) -> None:
        """Tick every `interval` seconds until `stop` is set (the loop of `deca dev`)."""
        while not stop.is_set():
            try:
                self.tick()
            except Exception:  # a failing start must not stop every other schedule: retried next tick
                logger.exception("scheduler tick failed")
            stop.wait(interval)
