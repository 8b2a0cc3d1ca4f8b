"""The scheduler service of `deca dev` under a fake clock: published schedules start runs through the engine."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from deca.engines.local import LocalEngine
from deca.engines.starter import EngineFlowStarter
from deca.stores import Stores, memory_stores
from deca.stores.models import FlowRecord, FlowVersion
from deca.triggers.local_scheduler import FileScheduleState, LocalScheduler
from deca.triggers.local_service import SchedulerService, schedule_starter
from tests.fakes.clock import FakeClock
from tests.layers.triggers.flows import flow_with

WS = "local"
START = datetime(2024, 5, 1, 9, 59, 30, tzinfo=UTC)


def _publish(stores: Stores, flow_id: str, *triggers: dict[str, Any], version: int = 1) -> None:
    document = flow_with(*triggers, flow_id=flow_id).model_dump(mode="json", by_alias=True, exclude_none=True)
    if version == 1:
        stores.flows.create(WS, FlowRecord(workspace_id=WS, flow_id=flow_id, name=flow_id))
    stores.flows.add_version(
        WS, FlowVersion(workspace_id=WS, flow_id=flow_id, version=version, definition=document)
    )
    record = stores.flows.get(WS, flow_id)
    stores.flows.update(WS, record.model_copy(update={"published_version": version}))


def _unpublish(stores: Stores, flow_id: str) -> None:
    record = stores.flows.get(WS, flow_id)
    stores.flows.update(WS, record.model_copy(update={"published_version": None}))


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(START)


@pytest.fixture
def stores() -> Stores:
    return memory_stores()


@pytest.fixture
def engine(stores: Stores) -> Iterator[LocalEngine]:
    engine = LocalEngine(stores, max_workers=1)
    yield engine
    engine.close()


def _service(stores: Stores, engine: LocalEngine, clock: FakeClock, state_file: Path) -> SchedulerService:
    starter = schedule_starter(EngineFlowStarter(engine, stores.flows))
    scheduler = LocalScheduler(clock, starter, state=FileScheduleState(state_file))
    return SchedulerService(scheduler, stores.flows, lambda: [WS], clock, refresh_seconds=5)


def _names(stores: Stores) -> list[str | None]:
    return sorted(record.name for record in stores.executions.list(WS).items)


def test_a_published_schedule_starts_an_execution_at_its_fire_time(
    stores: Stores, engine: LocalEngine, clock: FakeClock, tmp_path: Path
) -> None:
    _publish(stores, "hourly", {"type": "schedule", "cron": "0 * * * *", "input": {"report": "sales"}})
    service = _service(stores, engine, clock, tmp_path / "schedules.json")

    assert service.step() == []  # 09:59:30: nothing due yet
    clock.advance(31)
    runs = service.step()
    again = service.step()

    assert [run.execution_name for run in runs] == ["hourly-0-20240501T100000Z"]
    assert again == []
    [record] = stores.executions.list(WS).items
    assert (record.name, record.trigger.type, record.input) == (
        "hourly-0-20240501T100000Z",
        "schedule",
        {"report": "sales"},
    )


def test_publishing_and_unpublishing_are_picked_up_without_a_restart(
    stores: Stores, engine: LocalEngine, clock: FakeClock, tmp_path: Path
) -> None:
    service = _service(stores, engine, clock, tmp_path / "schedules.json")
    service.step()
    _publish(stores, "minutely", {"type": "schedule", "cron": "* * * * *"})

    clock.advance(5)  # the refresh reads the newly published flow
    service.step()
    clock.advance(60)
    started = service.step()
    _unpublish(stores, "minutely")
    clock.advance(60)
    after_unpublish = service.step()

    assert [run.execution_name for run in started] == ["minutely-0-20240501T100000Z"]
    assert after_unpublish == []
    assert service.scheduler.schedules == []
    assert _names(stores) == ["minutely-0-20240501T100000Z"]


def test_a_run_of_a_flow_unpublished_between_refreshes_is_skipped(
    stores: Stores, engine: LocalEngine, clock: FakeClock, tmp_path: Path
) -> None:
    _publish(stores, "gone", {"type": "schedule", "cron": "* * * * *"})
    _publish(stores, "kept", {"type": "schedule", "cron": "* * * * *"})
    service = _service(stores, engine, clock, tmp_path / "schedules.json")
    service.step()
    _unpublish(stores, "gone")  # the scheduler still holds its schedule until the next refresh

    clock.advance(31)
    service.step()

    assert _names(stores) == ["kept-0-20240501T100000Z"]


def test_runs_missed_while_the_studio_was_down_follow_the_trigger_s_policy(
    stores: Stores, engine: LocalEngine, clock: FakeClock, tmp_path: Path
) -> None:
    _publish(stores, "catch-up", {"type": "schedule", "cron": "*/10 * * * *", "missed": "run_once"})
    _publish(stores, "no-catch-up", {"type": "schedule", "cron": "*/10 * * * *"})
    state = tmp_path / "schedules.json"
    _service(stores, engine, clock, state).step()  # the studio runs at 09:59:30, then stops

    clock.advance(3600)  # restarted at 10:59:30 with the marks kept in the file
    _service(stores, engine, clock, state).step()

    assert _names(stores) == ["catch-up-0-20240501T105000Z"]


def test_the_thread_starts_and_stops(
    stores: Stores, engine: LocalEngine, clock: FakeClock, tmp_path: Path
) -> None:
    service = _service(stores, engine, clock, tmp_path / "schedules.json")

    service.start()
    running = service.running
    service.stop()

    assert (running, service.running) == (True, False)
