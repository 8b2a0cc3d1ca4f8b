"""`schedule_trigger`: visual entry node of a flow started on a cron schedule."""

from __future__ import annotations

from pydantic import Field

from deca.nodes.base import NodeConfig, NodeSpec
from deca.nodes.common import OpenOutput

__all__ = ["SPEC", "ScheduleTriggerConfig", "ScheduleTriggerOutput"]


class ScheduleTriggerConfig(NodeConfig):
    """Config of the schedule_trigger node (the flow's `triggers[]` entry does the scheduling)."""

    cron: str | None = Field(default=None, min_length=9, max_length=200, description="Cron expression")
    timezone: str = Field(default="UTC", description="IANA time zone, e.g. `Europe/Paris`")


class ScheduleTriggerOutput(OpenOutput):
    """The execution input of a scheduled run (the trigger's `input` fields are also top-level)."""

    scheduled_time: str | None = Field(default=None, description="ISO-8601 time the run was due")


SPEC = NodeSpec(
    type="schedule_trigger",
    category="trigger",
    description="Start here on a cron schedule; outputs the scheduled time",
    config=ScheduleTriggerConfig,
    output=ScheduleTriggerOutput,
    kind="trigger",
    icon="clock",
    example={"cron": "0 9 * * MON-FRI", "timezone": "Europe/Paris"},
)
