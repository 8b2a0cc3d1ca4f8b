"""The code-runner Lambda: runs one sandboxed request (its own function, no permissions, no network)."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext

from deca.sandbox import CodeRunEvent, protect_runner_process, run_code

# No Tracer: it needs aws-xray-sdk, which the project does not install.
logger, metrics = Logger(), Metrics()


@logger.inject_lambda_context
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    """Parse the event, run the code, return the result; outcome errors propagate by class name."""
    protect_runner_process()
    run = CodeRunEvent.model_validate(event)
    logger.append_keys(execution_id=run.execution_id, node_id=run.node_id, language=run.request.language)
    metrics.add_metric(name="CodeRuns", unit=MetricUnit.Count, value=1)
    result = run_code(run.request)
    logger.info("code run completed", duration_ms=result.duration_ms, layers=result.layers)
    return result.model_dump(mode="json")
