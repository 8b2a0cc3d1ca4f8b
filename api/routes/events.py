"""Custom events: `POST /events` starts every published flow of the workspace whose event trigger matches.

Patterns are matched with `deca.triggers.event_dispatcher` against the EventBridge envelope of the event,
exactly as an EventBridge rule would. Each match becomes one execution named from the event id and the
trigger, so posting the same event again (same `id`, or same `Idempotency-Key`) starts nothing new and
answers the same execution ids.
"""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Header
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, JsonValue

from api.deps import Principal, ServicesDep, audit, iso_8601, require
from api.routes.engine_deps import EngineDep
from api.schemas import COMMON_ERRORS
from deca.engines.starter import EngineFlowStarter
from deca.stores.models import UtcDatetime
from deca.triggers.event_dispatcher import CustomEvent, EventStart, dispatch_event
from deca.triggers.published import workspace_event_subscriptions
from deca.triggers.starter import from_event

__all__ = ["router"]

router = APIRouter(tags=["events"], responses=COMMON_ERRORS)


class PostedEvent(BaseModel):
    """A custom event in EventBridge's shape; `id` and `time` are filled in when left out."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    id: str | None = Field(
        default=None,
        min_length=1,
        max_length=200,
        description="Unique event id: posting it again starts nothing new (default: the Idempotency-Key "
        "header, else a fresh id)",
    )
    source: str = Field(min_length=1, max_length=256, description="Who emitted it, e.g. `crm`")
    detail_type: str = Field(
        alias="detail-type", min_length=1, max_length=256, description="Event type, e.g. `customer.created`"
    )
    detail: dict[str, JsonValue] = Field(default_factory=dict, description="The event's data")
    time: Annotated[UtcDatetime | None, BeforeValidator(iso_8601)] = Field(
        default=None, description="When it happened, ISO 8601 (default: now)"
    )
    resources: list[str] = Field(default_factory=list, max_length=100)


class EventExecution(BaseModel):
    """One execution the event started (or had started before, for a repeated event)."""

    flow_id: str
    trigger_index: int = Field(description="Position of the matching trigger in the flow's `triggers`")
    execution_id: str


class EventDispatched(BaseModel):
    """The event as matched, and the executions of every flow whose event trigger matched it."""

    event_id: str
    executions: list[EventExecution]


@router.post("/events", response_model=EventDispatched, status_code=202)
def post_event(
    body: PostedEvent,
    services: ServicesDep,
    engine: EngineDep,
    principal: Annotated[Principal, require("write:executions")],
    idempotency_key: Annotated[
        str | None,
        Header(
            alias="Idempotency-Key", min_length=1, max_length=200, description="Event id when `id` is absent"
        ),
    ] = None,
) -> EventDispatched:
    """Match the event against the event triggers of the workspace's published flows and start each match."""
    workspace_id = principal.workspace_id
    event = CustomEvent.model_validate(
        {
            **body.model_dump(by_alias=True, exclude_none=True),
            "id": body.id or idempotency_key or uuid.uuid4().hex,
            "time": body.time or services.clock.now(),
        }
    )
    starter = EngineFlowStarter(engine, services.stores.flows)
    started: list[EventExecution] = []

    def start(request: EventStart) -> None:
        execution = starter.start(from_event(request))
        started.append(
            EventExecution(
                flow_id=request.flow_id,
                trigger_index=request.trigger_index,
                execution_id=execution.execution_id,
            )
        )

    subscriptions = workspace_event_subscriptions(services.stores.flows, workspace_id)
    dispatch_event(event, subscriptions, start, workspace_id=workspace_id)
    audit(
        services,
        principal,
        "event.post",
        event.id,
        details={
            "source": event.source,
            "detail_type": event.detail_type,
            "executions": [execution.execution_id for execution in started],
        },
    )
    return EventDispatched(event_id=event.id, executions=started)
