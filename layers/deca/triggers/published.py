"""The triggers of a workspace's published flows, read from the flow store (webhook routes, event subscriptions)."""

from __future__ import annotations

import json
import logging
import threading
import weakref
from collections import OrderedDict
from collections.abc import Hashable, Iterator
from dataclasses import dataclass

from pydantic import ValidationError

from deca.errors import DecaError, NotFoundError
from deca.flow.models import Flow
from deca.stores.base import MAX_LIMIT, FlowRepository
from deca.stores.models import FlowRecord, FlowVersion
from deca.triggers.event_dispatcher import EventSubscription, event_subscriptions
from deca.triggers.local_scheduler import LocalScheduler
from deca.triggers.schedules import FlowSchedule, ScheduleDelivery, ScheduledRun, flow_schedules
from deca.triggers.starter import FlowStarter, from_schedule
from deca.triggers.webhook_receiver import WebhookRoute, webhook_routes

__all__ = [
    "find_webhook_route",
    "flow_schedule",
    "publish_schedules",
    "published_flows",
    "start_scheduled_run",
    "workspace_event_subscriptions",
    "workspace_webhook_routes",
]

logger = logging.getLogger(__name__)


def published_flows(flows: FlowRepository, workspace_id: str) -> Iterator[tuple[str, Flow]]:
    """`(flow_id, document)` of every active flow with a published version (unparsable ones are skipped)."""
    cursor: str | None = None
    while True:
        page = flows.list(workspace_id, status="active", limit=MAX_LIMIT, cursor=cursor)
        for record in page.items:
            if record.published_version is None:
                continue
            version = flows.get_version(workspace_id, record.flow_id, record.published_version)
            try:
                yield record.flow_id, _parsed(version)
            except ValidationError:
                logger.warning("published flow does not validate", extra={"flow_id": record.flow_id})
        if page.next_cursor is None:
            return
        cursor = page.next_cursor


_PARSED_MAX = 256
_parsed_lock = threading.Lock()
_parsed_flows: OrderedDict[tuple[str, str, int, str], Flow] = OrderedDict()


def _parsed(version: FlowVersion) -> Flow:
    """The version's flow document, parsed once per process for the same document text (callers must
    not modify it): triggers are looked up on every webhook call, and parsing costs more than the text."""
    text = json.dumps(version.definition, sort_keys=True, separators=(",", ":"))
    key = (version.workspace_id, version.flow_id, version.version, text)
    with _parsed_lock:
        flow = _parsed_flows.get(key)
        if flow is not None:
            _parsed_flows.move_to_end(key)
            return flow
    flow = Flow.model_validate(version.definition)
    with _parsed_lock:
        _parsed_flows[key] = flow
        while len(_parsed_flows) > _PARSED_MAX:
            _parsed_flows.popitem(last=False)
    return flow


def publish_schedules(scheduler: LocalScheduler, flows: FlowRepository, workspace_id: str) -> int:
    """Register the schedules of every published flow of the workspace (`deca dev` at start-up); returns how many."""
    count = 0
    for flow_id, flow in published_flows(flows, workspace_id):
        try:
            count += len(scheduler.publish(workspace_id, flow_id, flow))
        except DecaError:
            logger.warning("schedule trigger is invalid", extra={"flow_id": flow_id})
    return count


_RouteSignature = tuple[tuple[str, int, str, str], ...]
_ROUTES_MAX = 256  # workspaces per flow repository


@dataclass(frozen=True)
class _KnownRoutes:
    token: Hashable | None  # the flow records' change token when `signature` was read
    signature: _RouteSignature
    routes: list[WebhookRoute]


_routes_lock = threading.Lock()
_routes: weakref.WeakKeyDictionary[FlowRepository, OrderedDict[str, _KnownRoutes]] = (
    weakref.WeakKeyDictionary()
)


def _published_records(flows: FlowRepository, workspace_id: str) -> Iterator[FlowRecord]:
    cursor: str | None = None
    while True:
        page = flows.list(workspace_id, status="active", limit=MAX_LIMIT, cursor=cursor)
        yield from (record for record in page.items if record.published_version is not None)
        if page.next_cursor is None:
            return
        cursor = page.next_cursor


def _known(flows: FlowRepository, workspace_id: str) -> _KnownRoutes | None:
    with _routes_lock:
        known = _routes.setdefault(flows, OrderedDict())
        cached = known.get(workspace_id)
        if cached is not None:
            known.move_to_end(workspace_id)
        return cached


def workspace_webhook_routes(flows: FlowRepository, workspace_id: str) -> list[WebhookRoute]:
    """Every webhook trigger of the workspace's published flows (callers must not modify the list).

    A publish, an unpublish or an archive counts at once: while the flow records' change token is the one
    the routes were read with, nothing changed; otherwise (or when the store has no token) the records are
    listed, and the published versions behind them are read and parsed only when that list changed (a
    version never changes, and a webhook call should not pay for parsing every published flow).
    """
    token = flows.change_token()
    cached = _known(flows, workspace_id)
    if cached is not None and token is not None and cached.token == token:
        return cached.routes
    records = list(_published_records(flows, workspace_id))
    signature: _RouteSignature = tuple(
        (
            record.flow_id,
            record.published_version or 0,
            record.created_at.isoformat(),
            record.updated_at.isoformat(),
        )
        for record in records
    )
    if cached is not None and cached.signature == signature:
        routes = cached.routes
    else:
        routes = []
        for record in records:
            assert record.published_version is not None  # filtered by `_published_records`
            try:
                version = flows.get_version(workspace_id, record.flow_id, record.published_version)
                routes += webhook_routes(workspace_id, record.flow_id, _parsed(version))
            except ValidationError:
                logger.warning("published flow does not validate", extra={"flow_id": record.flow_id})
            except NotFoundError:
                continue  # deleted meanwhile
    with _routes_lock:
        known = _routes.setdefault(flows, OrderedDict())
        known[workspace_id] = _KnownRoutes(token, signature, routes)
        known.move_to_end(workspace_id)
        while len(known) > _ROUTES_MAX:
            known.popitem(last=False)
    return routes


def find_webhook_route(
    flows: FlowRepository, workspace_id: str, path: str, method: str | None = None
) -> WebhookRoute | None:
    """The webhook trigger at `/webhooks/{workspace_id}/{path}`; with `method`, one accepting it first."""
    wanted = path.strip("/")
    routes = [
        route for route in workspace_webhook_routes(flows, workspace_id) if route.path.strip("/") == wanted
    ]
    if method is not None:
        routes.sort(key=lambda route: method.upper() not in route.methods)
    return routes[0] if routes else None


def workspace_event_subscriptions(flows: FlowRepository, workspace_id: str) -> list[EventSubscription]:
    """The event triggers of every published flow of the workspace (invalid patterns are skipped)."""
    found: list[EventSubscription] = []
    for flow_id, flow in published_flows(flows, workspace_id):
        try:
            found += event_subscriptions(workspace_id, flow_id, flow)
        except DecaError:
            logger.warning("event trigger pattern is invalid", extra={"flow_id": flow_id})
    return found


def flow_schedule(flows: FlowRepository, workspace_id: str, flow_id: str, trigger_index: int) -> FlowSchedule:
    """One schedule trigger of the flow's published version.

    Raises:
        NotFoundError: the flow, its published version or the trigger does not exist (any more).
    """
    record = flows.get(workspace_id, flow_id)
    if record.published_version is not None:
        flow = Flow.model_validate(
            flows.get_version(workspace_id, flow_id, record.published_version).definition
        )
        for schedule in flow_schedules(workspace_id, flow_id, flow):
            if schedule.trigger_index == trigger_index:
                return schedule
    raise NotFoundError(
        f"flow {flow_id!r} has no published schedule trigger #{trigger_index}",
        resource="schedule",
        resource_id=f"{workspace_id}/{flow_id}/{trigger_index}",
    )


def start_scheduled_run(
    flows: FlowRepository, starter: FlowStarter, delivery: ScheduleDelivery
) -> ScheduledRun | None:
    """Start the run of one scheduled time; None (logged) when the flow or trigger is no longer published.

    A schedule can fire once more while its flow is being unpublished: that delivery is dropped rather than
    retried into the dead-letter queue.
    """
    try:
        schedule = flow_schedule(flows, delivery.workspace_id, delivery.flow_id, delivery.trigger_index)
    except NotFoundError:
        logger.warning("schedule fired for an unpublished trigger", extra={"flow_id": delivery.flow_id})
        return None
    run = schedule.run(delivery.scheduled_time)
    starter.start(from_schedule(run))
    return run
