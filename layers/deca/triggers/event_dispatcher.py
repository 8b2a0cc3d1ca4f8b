"""The event dispatcher's logic: a custom event fans out to every event trigger whose pattern matches.

Events arrive from `POST /events`, the EventBridge bus or `event.occurred` messages. Patterns are
matched against the EventBridge envelope (`source`, `detail-type`, `detail`, `time`, `id`, ...),
exactly as an EventBridge rule would see the event. Each match becomes one execution whose name
derives from the event id and the trigger, so a redelivered event starts nothing new.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, JsonValue

from deca.bus.base import Delivery, Handler, PoisonMessage
from deca.bus.messages import EventOccurred, Message, message_id
from deca.errors import InputError
from deca.flow.models import EventTrigger, Flow
from deca.stores.models import UtcDatetime
from deca.triggers.event_patterns import matches, validate_pattern
from deca.triggers.schedules import bounded_name

__all__ = [
    "CustomEvent",
    "EventStart",
    "EventSubscription",
    "dispatch_event",
    "event_occurred_handler",
    "event_subscriptions",
]


class CustomEvent(BaseModel):
    """A custom event in EventBridge's envelope (the body of `POST /events`)."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    id: str = Field(min_length=1, max_length=200, description="Unique event id (de-duplicates deliveries)")
    source: str = Field(min_length=1, max_length=256, description="Who emitted it, e.g. `crm`")
    detail_type: str = Field(alias="detail-type", min_length=1, max_length=256, description="Event type")
    detail: dict[str, JsonValue] = Field(default_factory=dict, description="The event's data")
    time: UtcDatetime = Field(description="When it happened")
    resources: list[str] = Field(default_factory=list)
    account: str = "local"
    region: str = "local"
    version: str = "0"

    @classmethod
    def from_eventbridge(cls, event: dict[str, Any]) -> CustomEvent:
        """Parse an event as EventBridge delivers it to a Lambda target (extra envelope keys ignored)."""
        known = {k: v for k, v in event.items() if k in _ENVELOPE_KEYS}
        return cls.model_validate(known)

    @classmethod
    def from_message(cls, message: EventOccurred) -> CustomEvent:
        """The envelope of an `event.occurred` message (its id is the message's de-duplication id)."""
        return cls.model_validate(
            {
                "id": message_id(message),
                "source": message.source,
                "detail-type": message.event_type,
                "detail": message.data,
                "time": message.timestamp,
            }
        )

    def workspace(self) -> str:
        """The workspace an event on the EventBridge bus belongs to: `detail.workspace_id`.

        Raises:
            InputError: the event does not name its workspace.
        """
        value = self.detail.get("workspace_id")
        if not isinstance(value, str) or not value:
            raise InputError("an event on the bus must carry detail.workspace_id")
        return value

    def envelope(self) -> dict[str, JsonValue]:
        """The document patterns are matched against (EventBridge's field names)."""
        return self.model_dump(mode="json", by_alias=True)


_ENVELOPE_KEYS = {
    "id",
    "source",
    "detail-type",
    "detail",
    "time",
    "resources",
    "account",
    "region",
    "version",
}


@dataclass(frozen=True)
class EventSubscription:
    """One event trigger of a published flow."""

    workspace_id: str
    flow_id: str
    trigger_index: int
    pattern: dict[str, Any]


def event_subscriptions(workspace_id: str, flow_id: str, flow: Flow) -> list[EventSubscription]:
    """The event triggers of `flow` (patterns validated), numbered by position in `flow.triggers`."""
    subscriptions: list[EventSubscription] = []
    for index, trigger in enumerate(flow.triggers):
        if isinstance(trigger, EventTrigger):
            validate_pattern(trigger.pattern, f"triggers[{index}].pattern")
            subscriptions.append(EventSubscription(workspace_id, flow_id, index, trigger.pattern))
    return subscriptions


class EventStart(BaseModel):
    """An execution an event asks for: the event is the flow's input."""

    model_config = ConfigDict(extra="forbid")

    workspace_id: str
    flow_id: str
    trigger_index: int
    execution_name: str
    input: dict[str, JsonValue]


def _execution_name(flow_id: str, trigger_index: int, event_id: str) -> str:
    digest = hashlib.sha256(event_id.encode()).hexdigest()[:20]
    return bounded_name(flow_id, f"-{trigger_index}-evt-{digest}")


def event_occurred_handler(
    subscriptions: Callable[[str], Iterable[EventSubscription]], start: Callable[[EventStart], object]
) -> Handler:
    """A consumer handler dispatching each `event.occurred` to the triggers of its workspace (`data.workspace_id`).

    An event that names no workspace can never be dispatched: it is terminated (dead-lettered).
    """

    async def handle(message: Message, delivery: Delivery) -> None:
        if not isinstance(message, EventOccurred):
            raise PoisonMessage(f"expected event.occurred, got {message.type}")
        event = CustomEvent.from_message(message)
        try:
            workspace_id = event.workspace()
        except InputError as exc:
            raise PoisonMessage(exc.message) from exc
        dispatch_event(event, subscriptions(workspace_id), start)

    return handle


def dispatch_event(
    event: CustomEvent,
    subscriptions: Iterable[EventSubscription],
    start: Callable[[EventStart], object],
    *,
    workspace_id: str | None = None,
) -> list[EventStart]:
    """Start one execution per matching subscription (of `workspace_id` only, when given)."""
    document = event.envelope()
    started: list[EventStart] = []
    for subscription in subscriptions:
        if workspace_id is not None and subscription.workspace_id != workspace_id:
            continue
        if not matches(subscription.pattern, document):
            continue
        request = EventStart(
            workspace_id=subscription.workspace_id,
            flow_id=subscription.flow_id,
            trigger_index=subscription.trigger_index,
            execution_name=_execution_name(subscription.flow_id, subscription.trigger_index, event.id),
            input=document,
        )
        start(request)
        started.append(request)
    return started
