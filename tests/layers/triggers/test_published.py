"""Trigger lookups over the flow store: only published versions of active flows count."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from deca.stores import Stores, memory_stores
from deca.stores.models import FlowRecord, FlowVersion
from deca.triggers.local_scheduler import LocalScheduler
from deca.triggers.published import (
    find_webhook_route,
    publish_schedules,
    workspace_event_subscriptions,
)
from tests.fakes.clock import FakeClock


def _flow(stores: Stores, flow_id: str, *triggers: dict[str, Any], published: bool = True) -> None:
    definition = {
        "id": flow_id,
        "name": flow_id,
        "triggers": list(triggers),
        "nodes": [{"id": "a", "type": "noop", "config": {}}],
    }
    stores.flows.create("ws", FlowRecord(workspace_id="ws", flow_id=flow_id, name=flow_id))
    stores.flows.add_version(
        "ws", FlowVersion(workspace_id="ws", flow_id=flow_id, version=1, definition=definition)
    )
    if published:
        record = stores.flows.get("ws", flow_id)
        stores.flows.update("ws", record.model_copy(update={"published_version": 1}))


def test_webhook_route_of_a_published_flow_is_found() -> None:
    stores = memory_stores()
    _flow(stores, "orders", {"type": "webhook", "path": "/orders/new"})
    route = find_webhook_route(stores.flows, "ws", "orders/new/", "POST")
    assert route is not None and (route.flow_id, route.trigger_index) == ("orders", 0)


def test_unpublished_flow_has_no_route() -> None:
    stores = memory_stores()
    _flow(stores, "draft", {"type": "webhook", "path": "/draft"}, published=False)
    assert find_webhook_route(stores.flows, "ws", "draft") is None


def test_route_accepting_the_method_is_preferred() -> None:
    stores = memory_stores()
    _flow(stores, "a", {"type": "webhook", "path": "/hook", "method": "PUT"})
    _flow(stores, "b", {"type": "webhook", "path": "/hook", "method": "POST"})
    route = find_webhook_route(stores.flows, "ws", "hook", "POST")
    assert route is not None and route.flow_id == "b"


def test_event_subscriptions_of_published_flows() -> None:
    stores = memory_stores()
    _flow(stores, "won", {"type": "event", "pattern": {"detail-type": ["deal.won"]}})
    _flow(stores, "draft", {"type": "event", "pattern": {"source": ["x"]}}, published=False)
    assert [s.flow_id for s in workspace_event_subscriptions(stores.flows, "ws")] == ["won"]


def test_published_schedules_are_registered_with_the_local_scheduler() -> None:
    stores = memory_stores()
    _flow(
        stores, "daily", {"type": "schedule", "cron": "0 8 * * *"}, {"type": "schedule", "cron": "0 20 * * *"}
    )
    _flow(stores, "draft", {"type": "schedule", "cron": "0 8 * * *"}, published=False)
    scheduler = LocalScheduler(FakeClock(datetime(2024, 1, 1, tzinfo=UTC)), lambda run: None)
    assert publish_schedules(scheduler, stores.flows, "ws") == 2
    assert [s.key for s in scheduler.schedules] == ["ws/daily/0", "ws/daily/1"]
