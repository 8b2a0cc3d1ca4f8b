"""The local scheduler as a service of `deca dev`: a thread ticking `LocalScheduler` on the system clock.

Every `refresh_seconds` the service re-reads the published flows of its workspaces, so publishing or
unpublishing a flow adds or drops its schedules without a restart; every tick starts the runs due (the
scheduler's missed-run policy and deterministic names apply). A run whose flow was unpublished meanwhile
is skipped with a warning, never retried forever.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable
from datetime import datetime, timedelta

from deca.clock import Clock
from deca.errors import DecaError
from deca.stores.base import FlowRepository
from deca.triggers.local_scheduler import LocalScheduler
from deca.triggers.published import published_flows
from deca.triggers.schedules import ScheduledRun
from deca.triggers.starter import FlowStarter, from_schedule

__all__ = ["SchedulerService", "schedule_starter", "sync_schedules"]

logger = logging.getLogger(__name__)


def sync_schedules(scheduler: LocalScheduler, flows: FlowRepository, workspace_ids: Iterable[str]) -> int:
    """Make the scheduler's schedules those of the workspaces' published flows; returns how many there are."""
    for workspace_id in workspace_ids:
        published: set[str] = set()
        for flow_id, flow in published_flows(flows, workspace_id):
            published.add(flow_id)
            try:
                scheduler.publish(workspace_id, flow_id, flow)
            except DecaError:
                logger.warning("schedule trigger is invalid", extra={"flow_id": flow_id})
                scheduler.unpublish(workspace_id, flow_id)
        for schedule in scheduler.schedules:
            if schedule.workspace_id == workspace_id and schedule.flow_id not in published:
                scheduler.unpublish(workspace_id, schedule.flow_id)
    return len(scheduler.schedules)


def schedule_starter(starter: FlowStarter) -> Callable[[ScheduledRun], object]:
    """Start a scheduled run; a flow unpublished meanwhile (or gone) is logged and skipped."""

    def start(run: ScheduledRun) -> object:
        try:
            return starter.start(from_schedule(run))
        except DecaError as exc:
            logger.warning(
                "scheduled run not started: %s", exc.message, extra={"execution_name": run.execution_name}
            )
            return None

    return start


class SchedulerService:
    """Runs `step()` every `interval` seconds on a thread until `stop()`."""

    def __init__(
        self,
        scheduler: LocalScheduler,
        flows: FlowRepository,
        workspace_ids: Callable[[], Iterable[str]],
        clock: Clock,
        *,
        interval: float = 1.0,
        refresh_seconds: float = 5.0,
    ) -> None:
        self.scheduler = scheduler
        self._flows = flows
        self._workspace_ids = workspace_ids
        self._clock = clock
        self._interval = interval
        self._refresh = timedelta(seconds=refresh_seconds)
        self._synced_at: datetime | None = None
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def refresh(self) -> int:
        """Re-read the published schedules now; how many there are."""
        self._synced_at = self._clock.now()
        return sync_schedules(self.scheduler, self._flows, self._workspace_ids())

    def step(self) -> list[ScheduledRun]:
        """Re-read the published schedules when due, then start every run due now."""
        if self._synced_at is None or self._clock.now() - self._synced_at >= self._refresh:
            self.refresh()
        return self.scheduler.tick()

    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                self.step()
            except Exception:  # a failing store read must not end the scheduler: retried next tick
                logger.exception("scheduler step failed")
            self._stop.wait(self._interval)

    @property
    def running(self) -> bool:
        """Whether the thread is alive."""
        return self._thread is not None and self._thread.is_alive()

    def start(self) -> None:
        """Start ticking on a daemon thread."""
        self._stop.clear()
        self._thread = threading.Thread(target=self._loop, name="deca-scheduler", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 10.0) -> None:
        """Stop ticking and wait for the thread to end."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)
