"""EventBridge Scheduler schedules follow a flow's publish and unpublish (moto)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from moto import mock_aws

from deca.errors import InputError
from deca.triggers.eventbridge_scheduler import EventBridgeSchedules, ScheduleTarget
from tests.layers.triggers.flows import flow_with

TARGET = ScheduleTarget(
    arn="arn:aws:lambda:us-east-1:123456789012:function:deca-schedule-dispatcher",
    role_arn="arn:aws:iam::123456789012:role/deca-scheduler",
)
DAILY = {"type": "schedule", "cron": "0 8 * * MON-FRI", "timezone": "Europe/Paris"}


@pytest.fixture
def client() -> Iterator[Any]:
    with mock_aws():
        yield boto3.client("scheduler", region_name="us-east-1")


@pytest.fixture
def schedules(client: Any) -> EventBridgeSchedules:
    return EventBridgeSchedules(client, TARGET, group_name="deca")


def test_publish_creates_the_schedule_with_expression_zone_and_target(
    client: Any, schedules: EventBridgeSchedules
) -> None:
    # When a flow with a weekday schedule is published
    (name,) = schedules.publish("ws", "daily-report", flow_with(DAILY))
    # Then EventBridge holds the schedule, read in the trigger's zone, aimed at the dispatcher
    schedule = client.get_schedule(Name=name, GroupName="deca")
    assert (schedule["ScheduleExpression"], schedule["ScheduleExpressionTimezone"]) == (
        "cron(0 8 ? * MON-FRI *)",
        "Europe/Paris",
    )
    assert (schedule["Target"]["Arn"], schedule["Target"]["RoleArn"]) == (TARGET.arn, TARGET.role_arn)
    assert json.loads(schedule["Target"]["Input"]) == {
        "workspace_id": "ws",
        "flow_id": "daily-report",
        "trigger_index": 0,
        "scheduled_time": "<aws.scheduler.scheduled-time>",
    }


def test_unpublish_deletes_the_schedules(client: Any, schedules: EventBridgeSchedules) -> None:
    schedules.publish("ws", "daily-report", flow_with(DAILY, {**DAILY, "cron": "0 * * * *"}))
    # When
    schedules.unpublish("ws", "daily-report")
    # Then
    assert client.list_schedules(GroupName="deca")["Schedules"] == []


def test_republish_updates_in_place_and_drops_removed_triggers(
    client: Any, schedules: EventBridgeSchedules
) -> None:
    schedules.publish("ws", "f", flow_with(DAILY, {**DAILY, "cron": "0 * * * *"}))
    # When version 2 keeps one trigger with a new cron
    (name,) = schedules.publish("ws", "f", flow_with({**DAILY, "cron": "30 6 * * *"}))
    # Then
    assert [s["Name"] for s in client.list_schedules(GroupName="deca")["Schedules"]] == [name]
    assert client.get_schedule(Name=name, GroupName="deca")["ScheduleExpression"] == "cron(30 6 * * ? *)"


def test_other_flows_keep_their_schedules(client: Any, schedules: EventBridgeSchedules) -> None:
    schedules.publish("ws", "a", flow_with(DAILY))
    (kept,) = schedules.publish("ws", "b", flow_with(DAILY))
    schedules.unpublish("ws", "a")
    assert [s["Name"] for s in client.list_schedules(GroupName="deca")["Schedules"]] == [kept]


def test_start_and_end_become_the_schedule_window(client: Any, schedules: EventBridgeSchedules) -> None:
    window = {"start": "2030-01-01T00:00:00Z", "end": "2030-12-31T00:00:00Z"}
    (name,) = schedules.publish("ws", "f", flow_with({**DAILY, **window}))
    schedule = client.get_schedule(Name=name, GroupName="deca")
    assert (schedule["StartDate"].year, schedule["EndDate"].year) == (2030, 2030)


def test_inexpressible_cron_changes_nothing(client: Any, schedules: EventBridgeSchedules) -> None:
    with pytest.raises(InputError):
        schedules.publish("ws", "f", flow_with({"type": "schedule", "cron": "15 0 8 * * *"}))
    assert schedules.existing("ws", "f") == []
