"""The webhooks and schedules of the workspace, listed from its published flows' triggers."""

from __future__ import annotations

from typing import Annotated, Generic, Literal, TypeVar

from fastapi import APIRouter, Request
from pydantic import BaseModel, Field

from api.deps import Principal, ServicesDep, require
from api.schemas import COMMON_ERRORS
from deca.errors import DecaError
from deca.flow.models import ScheduleTrigger
from deca.triggers.published import published_flows
from deca.triggers.schedules import ScheduleSummary, summarize_schedule
from deca.triggers.webhook_receiver import webhook_routes

__all__ = ["router"]

T = TypeVar("T")

router = APIRouter(tags=["triggers"], responses=COMMON_ERRORS)


class WebhookInfo(BaseModel):
    """A webhook trigger of a published flow and the URL that starts it."""

    flow_id: str
    trigger_index: int
    path: str
    methods: list[str]
    url: str
    signature: Literal["none", "standard", "github"]
    response_mode: Literal["async", "sync"]


class ScheduleInfo(BaseModel):
    """A schedule trigger of a published flow, described (or its problem, when the cron is invalid)."""

    flow_id: str
    trigger_index: int
    cron: str
    timezone: str
    summary: ScheduleSummary | None = Field(default=None, description="Description and next runs")
    problem: str | None = Field(default=None, description="Why the schedule cannot fire")


class Listing(BaseModel, Generic[T]):
    """All items (a workspace has few published triggers: no pagination)."""

    items: list[T]


@router.get("/webhooks", response_model=Listing[WebhookInfo])
def list_webhooks(
    request: Request, services: ServicesDep, principal: Annotated[Principal, require("read:flows")]
) -> Listing[WebhookInfo]:
    """Webhook triggers of the published flows, with the URL each one listens on."""
    base = str(request.base_url)
    items = [
        WebhookInfo(
            flow_id=flow_id,
            trigger_index=route.trigger_index,
            path=route.path,
            methods=route.methods,
            url=route.url(base),
            signature=route.signature_mode,
            response_mode=route.trigger.response_mode,
        )
        for flow_id, flow in published_flows(services.stores.flows, principal.workspace_id)
        for route in webhook_routes(principal.workspace_id, flow_id, flow)
    ]
    return Listing[WebhookInfo](items=items)


@router.get("/schedules", response_model=Listing[ScheduleInfo])
def list_schedules(
    services: ServicesDep, principal: Annotated[Principal, require("read:flows")]
) -> Listing[ScheduleInfo]:
    """Schedule triggers of the published flows, with a description and the next run times."""
    now = services.clock.now()
    items: list[ScheduleInfo] = []
    for flow_id, flow in published_flows(services.stores.flows, principal.workspace_id):
        for index, trigger in enumerate(flow.triggers):
            if not isinstance(trigger, ScheduleTrigger):
                continue
            info = ScheduleInfo(
                flow_id=flow_id, trigger_index=index, cron=trigger.cron, timezone=trigger.timezone
            )
            try:
                info.summary = summarize_schedule(trigger, now)
            except DecaError as exc:
                info.problem = exc.message
            items.append(info)
    return Listing[ScheduleInfo](items=items)
