"""API Gateway (HTTP API, payload 2.0) events ↔ webhook requests and responses, for the webhook Lambda."""

from __future__ import annotations

import base64
from typing import Any

from deca.errors import InputError
from deca.triggers.webhook_receiver import WebhookRequest, WebhookResponse

__all__ = ["api_gateway_response", "webhook_request"]


def webhook_request(event: dict[str, Any]) -> tuple[str, str, WebhookRequest]:
    """`(workspace_id, path, request)` of a `/webhooks/{workspace}/{path+}` call, body bytes untouched.

    Raises:
        InputError: the event has no workspace path parameter.
    """
    parameters = event.get("pathParameters") or {}
    workspace_id = parameters.get("workspace")
    if not workspace_id:
        raise InputError("the webhook URL has no workspace")
    body = event.get("body") or ""
    raw = base64.b64decode(body) if event.get("isBase64Encoded") else body.encode()
    query: dict[str, str | list[str]] = {}
    for key, value in (event.get("queryStringParameters") or {}).items():
        query[key] = value.split(",") if "," in value else value  # API Gateway joins repeats with commas
    method = event.get("requestContext", {}).get("http", {}).get("method", "POST")
    request = WebhookRequest(method=method, headers=dict(event.get("headers") or {}), body=raw, query=query)
    return workspace_id, parameters.get("path", ""), request


def api_gateway_response(response: WebhookResponse) -> dict[str, Any]:
    """The Lambda proxy response of a webhook answer."""
    return {
        "statusCode": response.status_code,
        "headers": {"Content-Type": "application/json", **response.headers},
        "body": response.model_dump_json(include={"body"})[len('{"body":') : -1],
    }
