"""Schedule triggers of a flow, their active window and the deterministic name of each scheduled run."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from pydantic import BaseModel, ConfigDict, Field, JsonValue

from deca.errors import InputError
from deca.flow.models import Flow, ScheduleTrigger
from deca.stores.models import UtcDatetime
from deca.triggers.cron import CronSchedule, parse_cron

__all__ = [
    "FlowSchedule",
    "ScheduleDelivery",
    "ScheduleSummary",
    "ScheduledRun",
    "bounded_name",
    "execution_name",
    "flow_schedules",
    "summarize_schedule",
]

_NAME_UNSAFE = re.compile(r"[^A-Za-z0-9_-]")
_MAX_EXECUTION_NAME = 80  # Step Functions' limit on execution names


def bounded_name(flow_id: str, suffix: str) -> str:
    """`<flow><suffix>` as a valid Step Functions execution name (80 characters of `[A-Za-z0-9_-]`).

    Other characters become `_`; a flow id too long for the limit is shortened to a prefix plus a
    hash of the whole id, so names stay distinct.
    """
    flow = _NAME_UNSAFE.sub("_", flow_id)
    if len(flow) + len(suffix) > _MAX_EXECUTION_NAME:
        digest = hashlib.sha256(flow_id.encode()).hexdigest()[:10]
        flow = f"{flow[: _MAX_EXECUTION_NAME - len(suffix) - 11]}_{digest}"
    return f"{flow}{suffix}"


def execution_name(flow_id: str, trigger_index: int, scheduled_time: datetime) -> str:
    """`<flow>-<trigger#>-<YYYYMMDDTHHMMSSZ>`: one name per scheduled time, so a redelivery starts nothing new."""
    stamp = scheduled_time.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
    return bounded_name(flow_id, f"-{trigger_index}-{stamp}")


def _window_bound(value: str | None, zone: ZoneInfo) -> datetime | None:
    if value is None:
        return None
    parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    return (parsed if parsed.tzinfo else parsed.replace(tzinfo=zone)).astimezone(UTC)


@dataclass(frozen=True)
class FlowSchedule:
    """One schedule trigger of a published flow, parsed."""

    workspace_id: str
    flow_id: str
    trigger_index: int
    trigger: ScheduleTrigger
    cron: CronSchedule = field(init=False)
    start: datetime | None = field(init=False)
    end: datetime | None = field(init=False)

    def __post_init__(self) -> None:
        cron = parse_cron(self.trigger.cron, self.trigger.timezone)
        object.__setattr__(self, "cron", cron)
        object.__setattr__(self, "start", _window_bound(self.trigger.start, cron.zone))
        object.__setattr__(self, "end", _window_bound(self.trigger.end, cron.zone))

    @property
    def key(self) -> str:
        """Identifies the schedule across restarts: `<workspace>/<flow>/<trigger#>`."""
        return f"{self.workspace_id}/{self.flow_id}/{self.trigger_index}"

    def active_at(self, time: datetime) -> bool:
        """Whether `time` lies within the trigger's start/end window (both inclusive)."""
        return (self.start is None or time >= self.start) and (self.end is None or time <= self.end)

    def due(self, after: datetime, until: datetime) -> list[datetime]:
        """Fire times in `(after, until]` inside the active window, in UTC."""
        if self.end is not None:
            until = min(until, self.end)
        return [t for t in self.cron.between(after, until) if self.active_at(t)]

    def run(self, scheduled_time: datetime) -> ScheduledRun:
        """The run this schedule starts for `scheduled_time`."""
        return ScheduledRun(
            workspace_id=self.workspace_id,
            flow_id=self.flow_id,
            trigger_index=self.trigger_index,
            scheduled_time=scheduled_time,
            execution_name=execution_name(self.flow_id, self.trigger_index, scheduled_time),
            input=self.trigger.input,
        )


class ScheduledRun(BaseModel):
    """One execution a schedule asks for; `execution_name` makes starting it idempotent."""

    model_config = ConfigDict(extra="forbid")

    workspace_id: str
    flow_id: str
    trigger_index: int = Field(ge=0)
    scheduled_time: UtcDatetime
    execution_name: str
    input: dict[str, JsonValue] = Field(default_factory=dict)


class ScheduleSummary(BaseModel):
    """What the API shows for a schedule trigger: its description, next runs and AWS expression."""

    model_config = ConfigDict(extra="forbid")

    cron: str = Field(description="The expression, normalised to 6 fields (seconds first)")
    timezone: str
    description: str = Field(description="Human-readable, e.g. `At 09:00 AM, Monday through Friday`")
    next_runs: list[UtcDatetime] = Field(description="The next fire times inside the start/end window")
    eventbridge_expression: str | None = Field(
        description="The EventBridge Scheduler form; None if AWS cannot express it"
    )


def summarize_schedule(trigger: ScheduleTrigger, now: datetime, *, count: int = 5) -> ScheduleSummary:
    """Describe a schedule trigger (`InputError` for an invalid cron or time zone)."""
    schedule = FlowSchedule("", "", 0, trigger)
    runs: list[datetime] = []
    after = max(now, schedule.start) if schedule.start is not None else now
    for time in schedule.cron.fire_times(after):
        if len(runs) >= count or (schedule.end is not None and time > schedule.end):
            break
        runs.append(time)
    try:
        expression: str | None = schedule.cron.to_eventbridge()
    except InputError:
        expression = None
    return ScheduleSummary(
        cron=schedule.cron.expression,
        timezone=schedule.cron.timezone,
        description=schedule.cron.describe(),
        next_runs=runs,
        eventbridge_expression=expression,
    )


class ScheduleDelivery(BaseModel):
    """What an EventBridge schedule delivers to the dispatcher (`scheduled_time` filled in by Scheduler)."""

    model_config = ConfigDict(extra="forbid")

    workspace_id: str
    flow_id: str
    trigger_index: int = Field(ge=0)
    scheduled_time: UtcDatetime


def flow_schedules(workspace_id: str, flow_id: str, flow: Flow) -> Iterator[FlowSchedule]:
    """The schedule triggers of `flow`, numbered by their position in `flow.triggers`."""
    for index, trigger in enumerate(flow.triggers):
        if isinstance(trigger, ScheduleTrigger):
            yield FlowSchedule(workspace_id, flow_id, index, trigger)
