"""Lambda handler of the human task sweeper: an EventBridge schedule (every minute) → one sweep pass."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext

from deca import wiring
from deca.hitl.sweeper import sweep

logger, tracer, metrics = Logger(), Tracer(), Metrics()


@logger.inject_lambda_context
@tracer.capture_lambda_handler
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    """Escalate the requests past their escalation time and close those past their expiry."""
    result = sweep(wiring.human_tasks())
    metrics.add_metric(name="HumanTasksEscalated", unit=MetricUnit.Count, value=len(result.escalated))
    metrics.add_metric(name="HumanTasksExpired", unit=MetricUnit.Count, value=len(result.expired))
    return result.model_dump()
