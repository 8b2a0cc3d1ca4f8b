"""`deca dev`'s app runs the scheduler, the bus side of the engine and the task worker for its lifetime."""

from __future__ import annotations

import asyncio
from pathlib import Path

from fastapi.testclient import TestClient

from deca.auth import mint_local_token
from deca.bus import ConsumerSettings, Delivery, FlowComplete, InMemoryBus, Message
from deca.cli.dev_command import build_studio
from deca.local.studio_services import StudioServices
from deca.settings import Settings

FLOW = {
    "id": "hello",
    "name": "Hello",
    "triggers": [{"type": "schedule", "cron": "0 8 * * *"}],
    "nodes": [{"id": "say", "type": "transform", "config": {"output": {"msg": "hi"}}}],
}


async def _completed(bus: InMemoryBus) -> list[str]:
    ended: list[str] = []

    async def keep(message: Message, delivery: Delivery) -> None:
        if isinstance(message, FlowComplete):
            ended.append(message.execution_id)

    await bus.consume(ConsumerSettings("test-completes", "flow.complete"), keep, batch=100)
    return ended


def test_the_studio_starts_and_stops_its_services_with_the_app(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "data")
    app, stores, engine = build_studio(settings, examples=None, ui_dist=None)
    services: StudioServices = app.state.studio_services
    headers = {"Authorization": f"Bearer {mint_local_token(settings)}"}
    before = (services.scheduler.running, services.bus.running, services.worker.running)
    try:
        with TestClient(app) as client:
            running = (services.scheduler.running, services.bus.running, services.worker.running)
            assert client.post("/flows", json=FLOW, headers=headers).status_code == 201
            assert client.post("/flows/hello/publish", headers=headers).status_code == 200
            run = client.post(
                "/flows/hello/executions", json={"mode": "sync", "timeout_seconds": 30}, headers=headers
            ).json()
            task = client.post("/tasks", json={"task_type": "report"}, headers=headers).json()
        stopped = (services.scheduler.running, services.bus.running, services.worker.running)
        schedules = services.scheduler.refresh()  # reads the published flow from the studio's store
    finally:
        engine.close()
        stores.close()

    assert (before, running, stopped) == ((False,) * 3, (True,) * 3, (False,) * 3)
    assert engine.status_listener is None
    execution_id = run["execution"]["execution_id"]
    assert run["execution"]["status"] == "succeeded"
    # The run's end went out on the (in-memory) bus before it closed
    assert isinstance(services.bus.bus, InMemoryBus)
    assert asyncio.run(_completed(services.bus.bus)) == [execution_id]
    # The task queued before shutdown ran on the studio's worker
    assert services.tasks.get(settings.local_workspace_id, task["task_id"]).status == "succeeded"
    # The scheduler finds the published flow's schedule and keeps its mark on disk
    assert schedules == 1
    assert [s.key for s in services.scheduler.scheduler.schedules] == [
        f"{settings.local_workspace_id}/hello/0"
    ]
    assert (settings.data_dir / "schedules.json").is_file()


def test_the_studio_schedules_the_flows_of_every_workspace_in_its_store(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "data")
    app, stores, engine = build_studio(settings, examples=None, ui_dist=None)
    services: StudioServices = app.state.studio_services
    local = {"Authorization": f"Bearer {mint_local_token(settings)}"}
    team = {"Authorization": f"Bearer {mint_local_token(settings, workspace_id='team')}"}
    try:
        with TestClient(app) as client:
            for headers in (local, team):  # a token of another workspace founds it on its first request
                assert client.post("/flows", json=FLOW, headers=headers).status_code == 201
                assert client.post("/flows/hello/publish", headers=headers).status_code == 200
        schedules = services.scheduler.refresh()
    finally:
        engine.close()
        stores.close()

    assert schedules == 2
    assert sorted(s.key for s in services.scheduler.scheduler.schedules) == [
        f"{settings.local_workspace_id}/hello/0",
        "team/hello/0",
    ]
