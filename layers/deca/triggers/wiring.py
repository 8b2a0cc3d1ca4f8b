"""Cached factories for the trigger Lambdas (`cache_clear()` them in tests).

`DECA_STATE_MACHINE_ARN_PREFIX` (e.g. `arn:aws:states:eu-west-1:123456789012:stateMachine:deca-prod-flow-`)
makes triggers start the published version on the Step Functions engine; without it they publish
`flow.execute` on the bus.
`DECA_SCHEDULER_TARGET_ARN`, `DECA_SCHEDULER_ROLE_ARN` and `DECA_SCHEDULER_GROUP` configure the
EventBridge schedules created on publish.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Callable

from deca import wiring
from deca.bus import wiring as bus_wiring
from deca.bus.messages import FlowExecute
from deca.clock import SystemClock
from deca.errors import DecaError, InputError
from deca.triggers.eventbridge_scheduler import EventBridgeSchedules, ScheduleTarget
from deca.triggers.starter import (
    BusFlowStarter,
    FlowStarter,
    from_flow_execute,
    from_webhook,
)
from deca.triggers.webhook_receiver import StartedExecution, WebhookReceiver, WebhookRoute, WebhookStart
from deca.triggers.webhook_signatures import split_secrets

__all__ = ["eventbridge_schedules", "flow_execute_starter", "starter", "webhook_receiver", "webhook_secrets"]


@functools.cache
def starter() -> FlowStarter:
    """The Step Functions engine when a state machine ARN prefix is configured, else `flow.execute` on the bus."""
    if os.environ.get("DECA_STATE_MACHINE_ARN_PREFIX"):
        from deca.engines.starter import EngineFlowStarter
        from deca.engines.wiring import stepfunctions_engine

        stores = wiring.stores()
        return EngineFlowStarter(stepfunctions_engine(stores), stores.flows)
    return BusFlowStarter(bus_wiring.bus(), bus_wiring.run)


def flow_execute_starter() -> Callable[[FlowExecute], StartedExecution]:
    """What the `flow.execute` consumer calls: the Step Functions starter (the bus one would loop).

    Raises:
        InputError: `DECA_STATE_MACHINE_ARN_PREFIX` is not set.
    """
    if not os.environ.get("DECA_STATE_MACHINE_ARN_PREFIX"):
        raise InputError("the flow.execute consumer needs DECA_STATE_MACHINE_ARN_PREFIX (an engine to start)")
    engine = starter()
    return lambda message: engine.start(from_flow_execute(message))


def _start_webhook(start: WebhookStart) -> StartedExecution:
    return starter().start(from_webhook(start))


@functools.cache
def webhook_receiver() -> WebhookReceiver:
    """The receiver over the stores' idempotency keys and the configured starter."""
    return WebhookReceiver(_start_webhook, wiring.stores().idempotency, SystemClock())


def webhook_secrets(route: WebhookRoute | None) -> list[str]:
    """The signing secrets of a route's credential (none if it has none or it cannot be read: fail closed)."""
    if route is None or not route.trigger.secret_credential:
        return []
    try:
        fields = wiring.secrets().resolve(route.workspace_id, route.trigger.secret_credential)
    except DecaError:
        return []
    value = fields.get("secret") or fields.get("api_key") or ""
    return split_secrets(value)


@functools.cache
def eventbridge_schedules() -> EventBridgeSchedules:
    """EventBridge Scheduler schedules aimed at the schedule dispatcher Lambda."""
    import boto3

    target = ScheduleTarget(
        arn=os.environ["DECA_SCHEDULER_TARGET_ARN"],
        role_arn=os.environ["DECA_SCHEDULER_ROLE_ARN"],
        dead_letter_arn=os.environ.get("DECA_SCHEDULER_DLQ_ARN") or None,
    )
    group = os.environ.get("DECA_SCHEDULER_GROUP", "default")
    return EventBridgeSchedules(boto3.client("scheduler"), target, group_name=group)
