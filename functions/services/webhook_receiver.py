"""Lambda handler of the webhook receiver: `/webhooks/{workspace}/{path+}` → at most one execution."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext

from deca import wiring
from deca.triggers import wiring as triggers
from deca.triggers.http_events import api_gateway_response, webhook_request
from deca.triggers.published import find_webhook_route

logger, tracer, metrics = Logger(), Tracer(), Metrics()


@logger.inject_lambda_context
@tracer.capture_lambda_handler
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    """Verify, de-duplicate and start the flow of one webhook call."""
    workspace_id, path, request = webhook_request(event)
    logger.append_keys(workspace_id=workspace_id)
    route = find_webhook_route(wiring.stores().flows, workspace_id, path, request.method)
    response = triggers.webhook_receiver().receive(route, request, secrets=triggers.webhook_secrets(route))
    logger.info("webhook answered", status_code=response.status_code)
    metrics.add_metric(name="WebhookRequests", unit=MetricUnit.Count, value=1)
    return api_gateway_response(response)
