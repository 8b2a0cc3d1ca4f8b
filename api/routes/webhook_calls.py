"""Incoming webhook calls: `/webhooks/{workspace_id}/{path}` starts the flow whose trigger declares it.

Public (no bearer token): a trigger with a signing secret verifies the Standard Webhooks or GitHub
signature over the raw body and fails closed; the same `webhook-id` / `Idempotency-Key` starts one
execution. The logic is `deca.triggers.webhook_receiver`; this route only adapts HTTP to it.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse

from api.deps import ServicesDep
from api.routes.engine_deps import EngineDep
from deca.engines.starter import EngineFlowStarter
from deca.errors import DecaError
from deca.triggers.published import find_webhook_route
from deca.triggers.starter import from_webhook
from deca.triggers.webhook_receiver import (
    StartedExecution,
    WebhookReceiver,
    WebhookRequest,
    WebhookResponse,
    WebhookRoute,
    WebhookStart,
)
from deca.triggers.webhook_signatures import split_secrets
from deca.wiring import StoreSecrets

__all__ = ["router"]

router = APIRouter(tags=["webhooks"])

_METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"]


def _signing_secrets(services: Any, route: WebhookRoute | None) -> list[str]:
    """The trigger's signing secrets (none when it has none or they cannot be read: verification fails closed)."""
    if route is None or not route.trigger.secret_credential:
        return []
    try:
        fields = StoreSecrets(services.stores, services.envelope).resolve(
            route.workspace_id, route.trigger.secret_credential
        )
    except DecaError:
        return []
    return split_secrets(fields.get("secret") or fields.get("api_key") or "")


async def receive_webhook(
    workspace_id: str, path: str, request: Request, services: ServicesDep, engine: EngineDep
) -> JSONResponse:
    """Receive a webhook call: verify it, start the flow once (202), or wait for its output (sync mode)."""
    body = await request.body()
    route = find_webhook_route(services.stores.flows, workspace_id, path, request.method)
    starter = EngineFlowStarter(engine, services.stores.flows)

    def start(call: WebhookStart) -> StartedExecution:
        return starter.start(from_webhook(call))

    receiver = WebhookReceiver(start, services.stores.idempotency, services.clock)
    incoming = WebhookRequest(
        method=request.method,
        headers=dict(request.headers),
        body=body,
        query={key: request.query_params.getlist(key) for key in request.query_params},
    )
    secrets = _signing_secrets(services, route)
    answer: WebhookResponse = await run_in_threadpool(receiver.receive, route, incoming, secrets=secrets)
    return JSONResponse(answer.body, status_code=answer.status_code, headers=answer.headers)


_RESPONSES: dict[int | str, dict[str, Any]] = {
    202: {"description": "Accepted: the execution started (async mode)"},
    400: {"description": "The body is not valid for its content type"},
    401: {"description": "Missing, invalid or stale signature"},
    404: {"description": "No webhook trigger at this path"},
    405: {"description": "The trigger does not accept this method"},
    409: {"description": "The same message is still being started"},
    413: {"description": "The body is too large"},
    422: {"description": "A replayed message id with another body"},
}

# One operation per method, so each has its own operation id in the OpenAPI document.
for _method in _METHODS:
    router.add_api_route(
        "/webhooks/{workspace_id}/{path:path}",
        receive_webhook,
        methods=[_method],
        operation_id=f"receive_webhook_{_method.lower()}",
        response_class=JSONResponse,
        responses=_RESPONSES,
    )
