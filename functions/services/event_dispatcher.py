"""The event dispatcher: a Lambda for events from the EventBridge bus, an ECS consumer of `event.occurred`."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext

from deca import wiring
from deca.bus import wiring as bus_wiring
from deca.bus.consumers import EVENT_DISPATCHER, run_consumer
from deca.triggers import wiring as triggers
from deca.triggers.event_dispatcher import (
    CustomEvent,
    EventStart,
    EventSubscription,
    dispatch_event,
    event_occurred_handler,
)
from deca.triggers.published import workspace_event_subscriptions
from deca.triggers.starter import from_event

logger, tracer, metrics = Logger(), Tracer(), Metrics()


def _start(request: EventStart) -> None:
    triggers.starter().start(from_event(request))


@logger.inject_lambda_context
@tracer.capture_lambda_handler
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    """Fan one custom event out to the event triggers of its workspace's published flows."""
    custom = CustomEvent.from_eventbridge(event)
    workspace_id = custom.workspace()
    logger.append_keys(workspace_id=workspace_id, event_id=custom.id)
    subscriptions = workspace_event_subscriptions(wiring.stores().flows, workspace_id)
    started = dispatch_event(custom, subscriptions, _start)
    metrics.add_metric(name="EventExecutionsStarted", unit=MetricUnit.Count, value=len(started))
    return {"started": [s.execution_name for s in started]}


def _subscriptions(workspace_id: str) -> list[EventSubscription]:
    return workspace_event_subscriptions(wiring.stores().flows, workspace_id)


def main() -> None:
    """The consume side (ECS): dispatch `event.occurred` messages until SIGTERM."""
    bus_wiring.run(
        run_consumer(bus_wiring.bus(), EVENT_DISPATCHER, event_occurred_handler(_subscriptions, _start))
    )


if __name__ == "__main__":
    main()
