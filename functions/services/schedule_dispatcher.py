"""Lambda handler of the schedule dispatcher: an EventBridge Scheduler delivery → one named execution."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext

from deca import wiring
from deca.triggers import wiring as triggers
from deca.triggers.published import start_scheduled_run
from deca.triggers.schedules import ScheduleDelivery

logger, tracer, metrics = Logger(), Tracer(), Metrics()


@logger.inject_lambda_context
@tracer.capture_lambda_handler
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    """Start the run of one scheduled time (a repeated delivery finds the same execution name)."""
    delivery = ScheduleDelivery.model_validate(event)
    logger.append_keys(workspace_id=delivery.workspace_id, flow_id=delivery.flow_id)
    run = start_scheduled_run(wiring.stores().flows, triggers.starter(), delivery)
    metrics.add_metric(name="ScheduledRunsStarted", unit=MetricUnit.Count, value=int(run is not None))
    return {"execution_name": run.execution_name if run else None}
