"""Trigger lookups over the flow store: only published versions of active flows count."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from deca.stores import Stores, memory_stores
from deca.stores.local import sqlite_stores
from deca.stores.models import FlowRecord, FlowVersion
from deca.triggers.local_scheduler import LocalScheduler
from deca.triggers.published import (
    find_webhook_route,
    publish_schedules,
    workspace_event_subscriptions,
)
from deca.triggers.webhook_receiver import WebhookRoute
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


def test_routes_follow_publishing_by_another_connection_to_the_same_file(tmp_path: Path) -> None:
    # Given a studio's stores on a SQLite file whose webhook routes were read (and are kept)
    here, there = sqlite_stores(tmp_path / "deca.db"), sqlite_stores(tmp_path / "deca.db")
    _flow(here, "orders", {"type": "webhook", "path": "/orders"})
    assert find_webhook_route(here.flows, "ws", "orders") is not None
    listed: list[str] = []
    list_flows = here.flows.list

    def counting_list(*args: Any, **kwargs: Any) -> Any:
        listed.append(args[0])
        return list_flows(*args, **kwargs)

    here.flows.list = counting_list  # type: ignore[method-assign]

    # When nothing changes, then another process (connection) publishes a flow, then this one unpublishes
    unchanged = find_webhook_route(here.flows, "ws", "orders")
    reads_while_unchanged = len(listed)
    _flow(there, "refunds", {"type": "webhook", "path": "/refunds"})
    published_elsewhere = find_webhook_route(here.flows, "ws", "refunds")
    record = here.flows.get("ws", "orders")
    here.flows.update("ws", record.model_copy(update={"published_version": None}))
    unpublished_here = find_webhook_route(here.flows, "ws", "orders")

    # Then an unchanged table is not read again, and both changes count at once
    assert _flow_of(unchanged) == "orders" and reads_while_unchanged == 0
    assert _flow_of(published_elsewhere) == "refunds"
    assert unpublished_here is None
    assert len(listed) == 2
    here.close()
    there.close()


def _flow_of(route: WebhookRoute | None) -> str | None:
    return None if route is None else route.flow_id
