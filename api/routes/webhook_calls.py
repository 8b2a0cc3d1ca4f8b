"""Incoming webhook calls: `/webhooks/{workspace_id}/{path}` starts the flow whose trigger declares it.

Public (no bearer token): a trigger with a signing secret verifies the Standard Webhooks or GitHub
signature over the raw body and fails closed; the same `webhook-id` / `Idempotency-Key` starts one
execution. The logic is `deca.triggers.webhook_receiver`; this module only adapts HTTP to it.

Webhook calls are the API's hottest path (every call starts an execution), so `WebhookFastPath` serves
them straight from the ASGI scope, inside the request log and body-limit middleware but before FastAPI's
routing and dependency resolution. The FastAPI route below stays registered: it documents the operations
in the OpenAPI document and serves any call the fast path leaves to it.

Where the app's stores are embedded in the process (`deca dev`: SQLite files, no network), the fast path
answers a call whose trigger answers at once (`response_mode: async`) on the event loop itself: the work
is a few short local reads and writes, and handing it to a worker thread and back cost more CPU than the
work (two thread switches; about a sixth of the studio's CPU per execution under load). A trigger that
waits for the flow's output, and every call of an app over networked stores, runs on a worker thread.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse
from starlette.types import ASGIApp, Receive, Scope, Send

from api.deps import ApiServices, ServicesDep
from api.errors import error_for
from api.forwarding import WEBHOOK_FORWARD
from api.routes.engine_deps import EngineDep, engine_of
from deca.engines import ExecutionEngine
from deca.engines.base import NotRunHere
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

__all__ = [
    "ANSWER_ON_EVENT_LOOP",
    "WebhookFastPath",
    "answer_call",
    "receive_call",
    "router",
    "webhook_target",
]

router = APIRouter(tags=["webhooks"])

_METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"]
_PREFIX = "/webhooks/"
ANSWER_ON_EVENT_LOOP = "webhooks_answer_on_event_loop"
"""The app-state flag (set by `deca dev`, whose stores are embedded) letting the fast path answer calls of
async triggers on the event loop (see the module docstring)."""


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


def receive_call(
    services: ApiServices, engine: ExecutionEngine, workspace_id: str, path: str, incoming: WebhookRequest
) -> WebhookResponse:
    """Answer one webhook call (blocking: the store and the engine are called; run it off the event loop)."""
    route = find_webhook_route(services.stores.flows, workspace_id, path, incoming.method)
    return answer_call(services, engine, route, incoming)


def answer_call(
    services: ApiServices, engine: ExecutionEngine, route: WebhookRoute | None, incoming: WebhookRequest
) -> WebhookResponse:
    """Answer one webhook call to `route` (None: no trigger at its path); blocking like `receive_call`."""
    starter = EngineFlowStarter(engine, services.stores.flows)

    def start(call: WebhookStart) -> StartedExecution:
        return starter.start(from_webhook(call))

    receiver = WebhookReceiver(start, services.stores.idempotency, services.clock)
    return receiver.receive(route, incoming, secrets=_signing_secrets(services, route))


def _query(pairs: Sequence[tuple[str, str]]) -> dict[str, list[str]]:
    query: dict[str, list[str]] = {}
    for key, value in pairs:
        query.setdefault(key, []).append(value)
    return query


def _answer(answer: WebhookResponse) -> JSONResponse:
    return JSONResponse(answer.body, status_code=answer.status_code, headers=answer.headers)


async def receive_webhook(
    workspace_id: str, path: str, request: Request, services: ServicesDep, engine: EngineDep
) -> JSONResponse:
    """Receive a webhook call: verify it, start the flow once (202), or wait for its output (sync mode)."""
    incoming = WebhookRequest(
        method=request.method,
        headers=dict(request.headers),
        body=await request.body(),
        query=_query(request.query_params.multi_items()),
    )
    return _answer(await run_in_threadpool(receive_call, services, engine, workspace_id, path, incoming))


def webhook_target(scope: Scope) -> tuple[str, str] | None:
    """`(workspace_id, path)` when the request is a webhook call the fast path serves, else None."""
    if scope["type"] != "http" or scope["method"] not in _METHODS:
        return None
    path: str = scope["path"]
    root = scope.get("root_path", "")
    if root and path.startswith(root):
        path = path[len(root) :]
    if not path.startswith(_PREFIX):
        return None
    workspace_id, _, rest = path[len(_PREFIX) :].partition("/")
    return (workspace_id, rest) if workspace_id and rest else None


class WebhookFastPath:
    """ASGI middleware answering webhook calls without FastAPI's routing (see the module docstring)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Serve a webhook call; pass anything else on."""
        target = webhook_target(scope)
        if target is None:
            await self.app(scope, receive, send)
            return
        request = Request(scope, receive)
        try:
            state = scope["app"].state
            services: ApiServices = state.services
            incoming = WebhookRequest(
                method=scope["method"],
                headers=_headers(scope["headers"]),
                body=await request.body(),
                query=_query(request.query_params.multi_items()),
            )
            engine = engine_of(state, services)
            response = _answer(await _answered(state, services, engine, *target, incoming))
        except NotRunHere:  # an extra process of `deca dev --workers`: the main process runs this flow
            await getattr(state, WEBHOOK_FORWARD).forward(scope, incoming.body, send)
            return
        except Exception as exc:  # the app's error handlers would have answered this: answer the same
            response = await error_for(request, exc)
        await response(scope, receive, send)


async def _answered(
    state: Any,
    services: ApiServices,
    engine: ExecutionEngine,
    workspace_id: str,
    path: str,
    incoming: WebhookRequest,
) -> WebhookResponse:
    """The answer to a call: on the event loop when the stores are embedded and the trigger answers at once."""
    if not getattr(state, ANSWER_ON_EVENT_LOOP, False):
        return await run_in_threadpool(receive_call, services, engine, workspace_id, path, incoming)
    route = find_webhook_route(services.stores.flows, workspace_id, path, incoming.method)
    if route is not None and route.trigger.response_mode != "async":
        return await run_in_threadpool(answer_call, services, engine, route, incoming)  # waits for the flow
    return answer_call(services, engine, route, incoming)


def _headers(raw: Sequence[tuple[bytes, bytes]]) -> Mapping[str, str]:
    """The request headers by lower-case name (a repeated header: its first value, as `dict(request.headers)`)."""
    headers: dict[str, str] = {}
    for name, value in raw:
        headers.setdefault(name.decode("latin-1"), value.decode("latin-1"))
    return headers


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
