"""Service handler fixtures: local SQLite stores in a temp data dir, fresh factories, a Lambda context."""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from deca import wiring
from deca.bus import wiring as bus_wiring
from deca.crypto import credential_context
from deca.stores import Stores
from deca.stores.models import Credential, FlowRecord, FlowVersion, Workspace
from deca.tasks import wiring as tasks_wiring
from deca.triggers import wiring as triggers_wiring

# Powertools reads these when the handler modules create their Logger/Tracer/Metrics at import.
os.environ.setdefault("POWERTOOLS_METRICS_NAMESPACE", "DecaTests")
os.environ.setdefault("POWERTOOLS_TRACE_DISABLED", "true")

WORKSPACE = "ws-1"
_FACTORIES = [
    wiring.settings,
    wiring.stores,
    wiring.cache,
    wiring.envelope,
    wiring.secrets,
    bus_wiring.bus,
    bus_wiring.event_loop,
    triggers_wiring.starter,
    triggers_wiring.webhook_receiver,
    triggers_wiring.eventbridge_schedules,
    tasks_wiring.object_store,
    tasks_wiring.task_runner,
]


@dataclass
class LambdaContextStub:
    """The attributes Powertools reads from a Lambda context."""

    function_name: str = "deca-service"
    memory_limit_in_mb: int = 256
    invoked_function_arn: str = "arn:aws:lambda:us-east-1:123456789012:function:deca-service"
    aws_request_id: str = "req-1"


@pytest.fixture
def lambda_context() -> LambdaContextStub:
    return LambdaContextStub()


@pytest.fixture
def stores(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Stores]:
    """The stores the handlers' factories open (SQLite under a temp data dir), with one workspace."""
    monkeypatch.setenv("DECA_DATA_DIR", str(tmp_path / "data"))
    for variable in (
        "DECA_MONGODB_URI",
        "DECA_NATS_URL",
        "DECA_STATE_MACHINE_ARN_PREFIX",
        "DECA_CACHE_URL",
        "REDIS_URL",
    ):
        monkeypatch.delenv(variable, raising=False)
    for factory in _FACTORIES:
        factory.cache_clear()
    current = wiring.stores()
    current.workspaces.create(WORKSPACE, Workspace(workspace_id=WORKSPACE, name="Tests"))
    yield current
    for factory in _FACTORIES:
        factory.cache_clear()


def publish(stores: Stores, flow_id: str, *triggers: dict[str, Any]) -> None:
    """Store a flow whose version 1, holding `triggers`, is published."""
    definition = {
        "id": flow_id,
        "name": flow_id,
        "triggers": list(triggers),
        "nodes": [{"id": "start", "type": "noop", "config": {}}],
        "connections": [],
    }
    stores.flows.create(WORKSPACE, FlowRecord(workspace_id=WORKSPACE, flow_id=flow_id, name=flow_id))
    stores.flows.add_version(
        WORKSPACE, FlowVersion(workspace_id=WORKSPACE, flow_id=flow_id, version=1, definition=definition)
    )
    record = stores.flows.get(WORKSPACE, flow_id)
    stores.flows.update(WORKSPACE, record.model_copy(update={"published_version": 1}))


def store_secret(stores: Stores, credential_id: str, value: str) -> None:
    """Store a credential whose (encrypted) value is `{"secret": value}`."""
    sealed = wiring.envelope().seal_json({"secret": value}, credential_context(WORKSPACE, credential_id))
    credential = Credential(
        workspace_id=WORKSPACE,
        credential_id=credential_id,
        name=credential_id,
        type="webhook_secret",
        encrypted_value=sealed.blob,
        key_id=sealed.key_id,
    )
    stores.credentials.create(WORKSPACE, credential)


def published_flow_executes() -> list[Any]:
    """The `flow.execute` messages the handlers published on the (in-memory) bus."""
    from deca.bus import ConsumerSettings

    seen: list[Any] = []

    async def collect(message: Any, delivery: Any) -> None:
        seen.append(message)

    bus_wiring.run(bus_wiring.bus().consume(ConsumerSettings("test-watcher", "flow.execute"), collect))
    return seen
