"""The background services of `deca dev`, started with the app and stopped when it shuts down.

- the local scheduler (`deca.triggers.local_service`): schedule triggers of the published flows of every
  workspace in the store start runs on the system clock; the handled-up-to marks live in
  `<data dir>/schedules.json`, so missed runs are recognised after a restart;
- the bus (`deca.bus.engine_status`): the engine's status changes go out as `flow.state` / `flow.complete`
  on NATS JetStream when `nats_url` is set (there, `flow.execute` messages also start executions), else on
  an in-memory bus;
- the task worker (`deca.tasks.service`): `POST /tasks` runs retention, exports and reports on a thread.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from deca.bus.base import MessageBus
from deca.bus.engine_status import BusService
from deca.bus.memory import InMemoryBus
from deca.cache import cache_from_url
from deca.clock import Clock, SystemClock
from deca.engines.starter import EngineFlowStarter
from deca.local.lifespan import run_with_app
from deca.tasks.object_store import LocalDirectoryStore
from deca.tasks.progress import TaskProgressBoard
from deca.tasks.runner import TaskRunner
from deca.tasks.service import TaskService, TaskWorker
from deca.triggers.local_scheduler import FileScheduleState, LocalScheduler
from deca.triggers.local_service import SchedulerService, schedule_starter
from deca.triggers.starter import from_flow_execute

if TYPE_CHECKING:
    from fastapi import FastAPI

    from deca.engines.local import LocalEngine
    from deca.settings import Settings
    from deca.stores import Stores

__all__ = ["StudioServices", "attach_studio_services", "bus_connector", "studio_services"]

logger = logging.getLogger(__name__)


def bus_connector(nats_url: str | None) -> Callable[[], Any]:
    """Connects to NATS JetStream (streams set up) when a URL is given, else makes an in-memory bus."""

    async def connect() -> MessageBus:
        if not nats_url:
            return InMemoryBus()
        from deca.bus.nats_jetstream import NatsJetStreamBus

        bus = await NatsJetStreamBus.connect(nats_url)
        await bus.setup()
        return bus

    return connect


@dataclass
class StudioServices:
    """The scheduler, the bus side of the engine and the task worker of one studio."""

    scheduler: SchedulerService
    bus: BusService
    tasks: TaskService
    worker: TaskWorker
    engine: LocalEngine

    def start(self) -> None:
        """Connect the bus, then listen to the engine and start the threads."""
        self.bus.start()
        self.engine.status_listener = self.bus.notify
        self.worker.start()
        self.scheduler.start()

    def stop(self) -> None:
        """Stop starting runs first, then the task worker, then the bus (it publishes what is queued)."""
        self.scheduler.stop()
        self.worker.stop()
        self.engine.status_listener = None
        self.bus.stop()


def studio_services(
    settings: Settings, stores: Stores, engine: LocalEngine, *, clock: Clock | None = None
) -> StudioServices:
    """Build (not start) the studio's services from its settings, stores and engine."""
    clock = clock or SystemClock()
    starter = EngineFlowStarter(engine, stores.flows)
    scheduler = LocalScheduler(
        clock, schedule_starter(starter), state=FileScheduleState(settings.data_dir / "schedules.json")
    )
    consume = (lambda message: starter.start(from_flow_execute(message))) if settings.nats_url else None
    board = TaskProgressBoard(cache_from_url(settings.cache_url or "memory://", clock=clock), clock)
    runner = TaskRunner(stores.executions, LocalDirectoryStore(settings.data_dir / "objects"), board, clock)
    worker = TaskWorker(runner, board)
    return StudioServices(
        scheduler=SchedulerService(scheduler, stores.flows, lambda: all_workspace_ids(stores), clock),
        bus=BusService(bus_connector(settings.nats_url), consume),
        tasks=TaskService(board, worker, clock),
        worker=worker,
        engine=engine,
    )


def all_workspace_ids(stores: Stores) -> list[str]:
    """Every workspace of the studio's store (the local one, and any a token of another workspace founded)."""
    ids: list[str] = []
    cursor: str | None = None
    while True:
        page = stores.workspaces.list_all(limit=200, cursor=cursor)
        ids += [workspace.workspace_id for workspace in page.items]
        if page.next_cursor is None:
            return ids
        cursor = page.next_cursor


def attach_studio_services(
    app: FastAPI, settings: Settings, stores: Stores, engine: LocalEngine
) -> StudioServices:
    """Run the studio's services for the app's lifetime (its lifespan starts and stops them)."""
    services = studio_services(settings, stores, engine)
    app.state.tasks = services.tasks
    app.state.studio_services = services
    run_with_app(app, services.start, services.stop)
    return services
