"""`event_trigger`: visual entry node of a flow started by a matching custom event."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from deca.nodes.base import NodeConfig, NodeSpec
from deca.nodes.common import OpenOutput

__all__ = ["SPEC", "EventTriggerConfig", "EventTriggerOutput"]


class EventTriggerConfig(NodeConfig):
    """Config of the event_trigger node (the flow's `triggers[]` entry does the matching)."""

    event_type: str | None = Field(
        default=None, max_length=256, description="Event type, e.g. `crm.deal.won`"
    )
    source: str | None = Field(default=None, max_length=256, description="Event source, e.g. `deca.crm`")


class EventTriggerOutput(OpenOutput):
    """The matching event (EventBridge-style envelope)."""

    id: str | None = Field(default=None, description="Event id")
    source: str | None = Field(default=None, description="Event source")
    detail_type: str | None = Field(default=None, description="The event type")
    time: str | None = Field(default=None, description="ISO-8601 time of the event")
    detail: Any = Field(default=None, description="The event payload")


SPEC = NodeSpec(
    type="event_trigger",
    category="trigger",
    description="Start here when a matching event occurs; outputs the event",
    config=EventTriggerConfig,
    output=EventTriggerOutput,
    kind="trigger",
    icon="zap",
    example={"event_type": "crm.deal.won", "source": "deca.crm"},
)
