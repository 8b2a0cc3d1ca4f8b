"""Lambda handler of the schedule dispatcher: an EventBridge Scheduler delivery → one named execution."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext

from deca import wiring
from deca.triggers import wiring as triggers
from deca.triggers.published import flow_schedule
from deca.triggers.schedules import ScheduleDelivery
from deca.triggers.starter import from_schedule

logger, tracer, metrics = Logger(), Tracer(), Metrics()


@logger.inject_lambda_context
@tracer.capture_lambda_handler
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    """Start the run of one scheduled time (a repeated delivery finds the same execution name)."""
    delivery = ScheduleDelivery.model_validate(event)
    logger.append_keys(workspace_id=delivery.workspace_id, flow_id=delivery.flow_id)
    schedule = flow_schedule(
        wiring.stores().flows, delivery.workspace_id, delivery.flow_id, delivery.trigger_index
    )
    run = schedule.run(delivery.scheduled_time)
    started = triggers.starter().start(from_schedule(run))
    metrics.add_metric(name="ScheduledRunsStarted", unit=MetricUnit.Count, value=1)
    return {"execution_id": started.execution_id, "execution_name": run.execution_name}
