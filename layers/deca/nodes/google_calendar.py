"""`google_calendar`: creates, reads, lists, updates and deletes Google Calendar events."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, ClassVar, Literal

from pydantic import Field

from deca.nodes.base import NodeOutput, NodeSpec
from deca.nodes.common import OPERATION_HELP, CredentialId, EmailOrTemplate, Operation, OperationConfig

if TYPE_CHECKING:
    from deca.nodes.context import NodeContext
    from deca.nodes.task import NodeTask

__all__ = ["SPEC", "GoogleCalendarConfig", "GoogleCalendarOutput", "run"]


class GoogleCalendarConfig(OperationConfig):
    """Config of the google_calendar node."""

    operation: Literal["create_event", "get_event", "list_events", "update_event", "delete_event"] = Field(
        description=OPERATION_HELP
    )
    credential_id: CredentialId = Field(description="Google OAuth credential")
    calendar_id: str = Field(
        description="Calendar id; `primary` is the credential owner's calendar",
        default="primary",
        min_length=1,
    )
    event_id: str | None = Field(default=None, min_length=1, description="Event id (templates allowed)")
    summary: str | None = Field(default=None, min_length=1, max_length=1000, description="Event title")
    description: str | None = Field(default=None, description="Event description")
    location: str | None = Field(default=None, description="Event location")
    start: str | None = Field(default=None, description="ISO-8601 date-time, or a date for all-day events")
    end: str | None = Field(default=None, description="ISO-8601 date-time, or a date for all-day events")
    timezone: str | None = Field(default=None, description="IANA time zone of start/end")
    attendees: list[EmailOrTemplate] | None = Field(default=None, description="Attendee emails")
    add_video_call: bool | None = Field(default=None, description="Attach a Google Meet link")
    send_updates: Literal["all", "external_only", "none"] | None = Field(
        default=None, description="Who gets invitation emails (default all)"
    )
    time_min: str | None = Field(default=None, description="Events ending after this (list_events)")
    time_max: str | None = Field(default=None, description="Events starting before this (list_events)")
    query: str | None = Field(default=None, description="Free-text search (list_events)")
    max_results: int | None = Field(
        description="Maximum events returned (default 250)", default=None, ge=1, le=2500
    )

    OPERATIONS: ClassVar[Mapping[str, Operation]] = {
        "create_event": Operation(
            required=("summary", "start", "end"),
            optional=("description", "location", "timezone", "attendees", "add_video_call", "send_updates"),
        ),
        "get_event": Operation(required=("event_id",)),
        "list_events": Operation(optional=("time_min", "time_max", "query", "max_results")),
        "update_event": Operation(
            required=("event_id",),
            optional=(
                "summary",
                "description",
                "location",
                "start",
                "end",
                "timezone",
                "attendees",
                "send_updates",
            ),
        ),
        "delete_event": Operation(required=("event_id",), optional=("send_updates",)),
    }


class GoogleCalendarOutput(NodeOutput):
    """What a google_calendar node returns."""

    event: dict[str, Any] | None = Field(
        default=None, description="id, summary, start, end, attendees, html_link"
    )
    events: list[dict[str, Any]] = Field(default_factory=list, description="Events found (list_events)")
    event_id: str | None = Field(default=None, description="Id of the event created, read or changed")
    meet_link: str | None = Field(default=None, description="Google Meet link (add_video_call)")


SPEC = NodeSpec(
    type="google_calendar",
    category="integration",
    description="Create, read, list, update or delete Google Calendar events",
    config=GoogleCalendarConfig,
    output=GoogleCalendarOutput,
    side_effects=True,
    icon="calendar",
    errors=(
        "IntegrationAuthError",
        "IntegrationNotFound",
        "IntegrationRateLimited",
        "IntegrationConfigError",
        "IntegrationError",
        "HttpTimeout",
        "HttpConnectionError",
        "OutboundRequestBlocked",
        "CredentialNotFound",
    ),
    example={
        "operation": "create_event",
        "credential_id": "google-sales",
        "summary": "Onboarding call",
        "start": "{{ input.slot.start }}",
        "end": "{{ input.slot.end }}",
        "attendees": ["{{ input.email }}"],
        "add_video_call": True,
    },
)


def run(config: GoogleCalendarConfig, task: NodeTask, ctx: NodeContext) -> GoogleCalendarOutput:
    """Call the Calendar API; an event is created once per execution and node."""
    from deca.integrations.google.calendar import calendar_call

    if config.operation in ("create_event",):
        from deca.integrations.idempotency import run_once

        return run_once(ctx, task, GoogleCalendarOutput, lambda: calendar_call(config, ctx))
    return calendar_call(config, ctx)
