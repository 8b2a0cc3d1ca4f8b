"""EventBridge Scheduler schedules for published flows: created or updated on publish, deleted on unpublish.

One schedule per schedule trigger, named `deca-<hash of workspace/flow>-<trigger#>` (unique,
within the 64-character limit, and listable by prefix). Its target is the schedule dispatcher
Lambda; the input carries the flow and EventBridge's `<aws.scheduler.scheduled-time>`, so the
dispatcher derives the execution name from the scheduled time and a repeated delivery starts one
execution.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from deca.flow.models import Flow
from deca.triggers.schedules import FlowSchedule, flow_schedules

__all__ = ["EventBridgeSchedules", "ScheduleTarget", "schedule_name_prefix"]

SCHEDULED_TIME = "<aws.scheduler.scheduled-time>"
"""EventBridge Scheduler replaces this placeholder in the target input with the scheduled time."""


def schedule_name_prefix(workspace_id: str, flow_id: str) -> str:
    """The name prefix shared by every schedule of one flow (ends with `-`)."""
    digest = hashlib.sha256(f"{workspace_id}/{flow_id}".encode()).hexdigest()[:24]
    return f"deca-{digest}-"


@dataclass(frozen=True)
class ScheduleTarget:
    """Where schedules deliver: the dispatcher Lambda, the role Scheduler assumes, an optional DLQ."""

    arn: str
    role_arn: str
    dead_letter_arn: str | None = None
    maximum_retry_attempts: int = 3


class EventBridgeSchedules:
    """Keeps a flow's EventBridge Scheduler schedules in step with its published version."""

    def __init__(self, client: Any, target: ScheduleTarget, *, group_name: str = "default") -> None:
        self._client = client
        self._target = target
        self._group = group_name

    def _ensure_group(self) -> None:
        if self._group == "default":
            return
        try:
            self._client.get_schedule_group(Name=self._group)
        except self._client.exceptions.ResourceNotFoundException:
            self._client.create_schedule_group(Name=self._group)

    def _request(self, schedule: FlowSchedule) -> dict[str, Any]:
        payload = {
            "workspace_id": schedule.workspace_id,
            "flow_id": schedule.flow_id,
            "trigger_index": schedule.trigger_index,
            "scheduled_time": SCHEDULED_TIME,
        }
        target: dict[str, Any] = {
            "Arn": self._target.arn,
            "RoleArn": self._target.role_arn,
            "Input": json.dumps(payload, separators=(",", ":")),
            "RetryPolicy": {"MaximumRetryAttempts": self._target.maximum_retry_attempts},
        }
        if self._target.dead_letter_arn:
            target["DeadLetterConfig"] = {"Arn": self._target.dead_letter_arn}
        request: dict[str, Any] = {
            "Name": self.name(schedule),
            "GroupName": self._group,
            "ScheduleExpression": schedule.cron.to_eventbridge(),
            "ScheduleExpressionTimezone": schedule.cron.timezone,
            "Description": f"{schedule.key}: {schedule.cron.describe()}"[:512],
            "FlexibleTimeWindow": {"Mode": "OFF"},
            "State": "ENABLED",
            "Target": target,
        }
        if schedule.start is not None:
            request["StartDate"] = schedule.start
        if schedule.end is not None:
            request["EndDate"] = schedule.end
        return request

    @staticmethod
    def name(schedule: FlowSchedule) -> str:
        """The schedule's name in EventBridge Scheduler."""
        return f"{schedule_name_prefix(schedule.workspace_id, schedule.flow_id)}{schedule.trigger_index}"

    def existing(self, workspace_id: str, flow_id: str) -> list[str]:
        """Names of the flow's schedules that exist now."""
        prefix = schedule_name_prefix(workspace_id, flow_id)
        names: list[str] = []
        kwargs: dict[str, Any] = {"GroupName": self._group, "NamePrefix": prefix}
        while True:
            page = self._client.list_schedules(**kwargs)
            names += [s["Name"] for s in page.get("Schedules", []) if s["Name"].startswith(prefix)]
            if not page.get("NextToken"):
                return sorted(names)
            kwargs["NextToken"] = page["NextToken"]

    def publish(self, workspace_id: str, flow_id: str, flow: Flow) -> list[str]:
        """Create or update a schedule per schedule trigger, delete the flow's others; returns the names.

        Raises:
            InputError: for a trigger EventBridge cannot express (see `CronSchedule.to_eventbridge`),
                before anything is changed.
        """
        requests = [self._request(s) for s in flow_schedules(workspace_id, flow_id, flow)]
        if requests:
            self._ensure_group()
        current = set(self.existing(workspace_id, flow_id))
        for request in requests:
            if request["Name"] in current:
                self._client.update_schedule(**request)
            else:
                self._client.create_schedule(**request)
        wanted = {r["Name"] for r in requests}
        for name in sorted(current - wanted):
            self._client.delete_schedule(Name=name, GroupName=self._group)
        return sorted(wanted)

    def unpublish(self, workspace_id: str, flow_id: str) -> None:
        """Delete every schedule of the flow (none left is fine)."""
        for name in self.existing(workspace_id, flow_id):
            self._client.delete_schedule(Name=name, GroupName=self._group)
