"""The webhook receiver's logic: one request to `/webhooks/{workspace}/{path}` → at most one execution.

Checks, in order: a trigger exists for the path (404), it accepts the method (405), the body fits
the limit (413), the signature verifies when one is configured (401; a trigger with a secret fails
closed), the body parses as its content type says (400). Then idempotency: the sender's message
id (`webhook-id`, `Idempotency-Key` or `X-GitHub-Delivery`) is claimed for a window; a repeat with
the same body gets the first answer again (`Idempotent-Replay: true`), a repeat while the first is
still starting gets 409, a repeat with another body 422. The HTTP route is a thin adapter over this.
"""

from __future__ import annotations

import base64
import hashlib
import json
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Literal
from urllib.parse import parse_qs

from pydantic import BaseModel, ConfigDict, Field, JsonValue

from deca.clock import Clock
from deca.errors import InputError
from deca.flow.models import Flow, WebhookTrigger
from deca.stores.base import IdempotencyRepository
from deca.stores.models import IdempotencyRecord
from deca.triggers.webhook_signatures import SignatureError, lower_headers, verify_signature

__all__ = [
    "DEFAULT_MAX_BODY_BYTES",
    "StartedExecution",
    "WebhookReceiver",
    "WebhookRequest",
    "WebhookResponse",
    "WebhookRoute",
    "WebhookStart",
    "webhook_routes",
]

DEFAULT_MAX_BODY_BYTES = 128 * 1024  # leaves room under Step Functions' 256 KiB input limit
_IDEMPOTENCY_HEADERS = ("webhook-id", "idempotency-key", "x-github-delivery")
# Credentials a caller may send are not copied into the execution's input (and so its history).
_PRIVATE_HEADERS = frozenset({"authorization", "proxy-authorization", "cookie", "x-api-key"})


@dataclass(frozen=True)
class WebhookRoute:
    """A webhook trigger of a published flow, reachable at `/webhooks/{workspace_id}/{path}`."""

    workspace_id: str
    flow_id: str
    trigger_index: int
    trigger: WebhookTrigger

    @property
    def path(self) -> str:
        """The path under `/webhooks/{workspace}/`, without a leading slash."""
        return self.trigger.path.lstrip("/")

    def url(self, base_url: str) -> str:
        """The trigger's public URL under the API's base URL: `<base>/webhooks/{workspace}/{path}`."""
        return f"{base_url.rstrip('/')}/webhooks/{self.workspace_id}/{self.path}"

    @property
    def methods(self) -> list[str]:
        """The HTTP methods it accepts."""
        return list(self.trigger.methods or [self.trigger.method])

    @property
    def signature_mode(self) -> Literal["none", "standard", "github"]:
        """The check to apply: a configured secret without a mode means Standard Webhooks (fail closed)."""
        if self.trigger.signature == "none" and self.trigger.secret_credential:
            return "standard"
        return self.trigger.signature


def webhook_routes(workspace_id: str, flow_id: str, flow: Flow) -> list[WebhookRoute]:
    """The webhook triggers of `flow`, numbered by their position in `flow.triggers`."""
    return [
        WebhookRoute(workspace_id, flow_id, index, trigger)
        for index, trigger in enumerate(flow.triggers)
        if isinstance(trigger, WebhookTrigger)
    ]


@dataclass(frozen=True)
class WebhookRequest:
    """The parts of an HTTP request the receiver needs; `body` is the raw bytes, untouched."""

    method: str
    headers: Mapping[str, str]
    body: bytes = b""
    query: Mapping[str, str | list[str]] = field(default_factory=dict)


class WebhookResponse(BaseModel):
    """What to answer: a status code, a JSON body and extra headers."""

    model_config = ConfigDict(extra="forbid")

    status_code: int
    body: dict[str, JsonValue]
    headers: dict[str, str] = Field(default_factory=dict)


class WebhookStart(BaseModel):
    """The execution a webhook asks for; `input` is the flow's trigger data."""

    model_config = ConfigDict(extra="forbid")

    workspace_id: str
    flow_id: str
    trigger_index: int
    input: dict[str, JsonValue]
    idempotency_key: str | None = None
    response_mode: Literal["async", "sync"] = "async"
    timeout_seconds: int = 30


class StartedExecution(BaseModel):
    """An execution that was started (sync mode: waited for up to the trigger's timeout)."""

    model_config = ConfigDict(extra="forbid")

    execution_id: str
    status: str = "running"
    output: JsonValue = None
    error: dict[str, JsonValue] | None = None


StartExecution = Callable[[WebhookStart], StartedExecution]


def _error(status: int, code: str, message: str) -> WebhookResponse:
    return WebhookResponse(status_code=status, body={"code": code, "message": message})


def _parse_body(content_type: str, body: bytes) -> JsonValue:
    media = content_type.split(";", 1)[0].strip().lower()
    if not body:
        return None
    if media == "application/json" or media.endswith("+json"):
        try:
            parsed: JsonValue = json.loads(body)
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise InputError(f"the body is not valid JSON: {exc}") from exc
        return parsed
    if media == "application/x-www-form-urlencoded":
        try:
            form = parse_qs(body.decode(), keep_blank_values=True)
        except UnicodeDecodeError as exc:
            raise InputError("the form body is not UTF-8") from exc
        return {k: v[0] if len(v) == 1 else list(v) for k, v in form.items()}
    try:
        return body.decode()
    except UnicodeDecodeError:
        return None


def _raw_body(body: bytes) -> dict[str, JsonValue]:
    try:
        return {"raw_body": body.decode(), "raw_body_encoding": "utf-8"}
    except UnicodeDecodeError:
        return {"raw_body": base64.b64encode(body).decode(), "raw_body_encoding": "base64"}


class WebhookReceiver:
    """Turns webhook requests into executions, at most one per sender message id."""

    def __init__(
        self,
        start: StartExecution,
        idempotency: IdempotencyRepository,
        clock: Clock,
        *,
        max_body_bytes: int = DEFAULT_MAX_BODY_BYTES,
        idempotency_window: timedelta = timedelta(hours=24),
        tolerance_seconds: int = 300,
    ) -> None:
        self._start = start
        self._idempotency = idempotency
        self._clock = clock
        self._max_body_bytes = max_body_bytes
        self._window = idempotency_window
        self._tolerance = tolerance_seconds

    def receive(
        self, route: WebhookRoute | None, request: WebhookRequest, *, secrets: Sequence[str] = ()
    ) -> WebhookResponse:
        """Answer one request; `secrets` are the trigger's signing secrets (several during a rotation)."""
        if route is None:
            return _error(404, "not_found", "no webhook at this path")
        if request.method.upper() not in route.methods:
            response = _error(405, "method_not_allowed", f"this webhook accepts {', '.join(route.methods)}")
            response.headers["Allow"] = ", ".join(route.methods)
            return response
        if len(request.body) > self._max_body_bytes:
            return _error(413, "payload_too_large", f"the body exceeds {self._max_body_bytes} bytes")
        headers = lower_headers(request.headers)
        message_id: str | None = None
        if route.signature_mode != "none":
            try:
                message_id = verify_signature(
                    route.signature_mode,
                    headers,
                    request.body,
                    secrets,
                    now=self._clock.now(),
                    tolerance_seconds=self._tolerance,
                )
            except SignatureError as exc:
                return _error(401, "invalid_signature", exc.message)
        try:
            body = _parse_body(headers.get("content-type", ""), request.body)
        except InputError as exc:
            return _error(400, "invalid_body", exc.message)
        key = message_id or next((headers[h] for h in _IDEMPOTENCY_HEADERS if headers.get(h)), None)
        start = WebhookStart(
            workspace_id=route.workspace_id,
            flow_id=route.flow_id,
            trigger_index=route.trigger_index,
            input=self._trigger_data(route, request, headers, body),
            idempotency_key=key,
            response_mode=route.trigger.response_mode,
            timeout_seconds=route.trigger.timeout_seconds,
        )
        if key is None:
            return self._respond(start)
        return self._once(route, key, hashlib.sha256(request.body).hexdigest(), start)

    def _trigger_data(
        self, route: WebhookRoute, request: WebhookRequest, headers: dict[str, str], body: JsonValue
    ) -> dict[str, JsonValue]:
        query: dict[str, JsonValue] = {
            k: list(v) if isinstance(v, list) else v for k, v in request.query.items()
        }
        headers_value: dict[str, JsonValue] = {k: v for k, v in headers.items() if k not in _PRIVATE_HEADERS}
        return {
            "method": request.method.upper(),
            "path": route.path,
            "headers": headers_value,
            "query": query,
            "body": body,
            **_raw_body(request.body),
        }

    def _once(self, route: WebhookRoute, key: str, body_hash: str, start: WebhookStart) -> WebhookResponse:
        store_key = _store_key(route, key)
        claim = uuid.uuid4().hex
        record = IdempotencyRecord(
            workspace_id=route.workspace_id,
            key=store_key,
            result={"claim": claim, "body_sha256": body_hash},
            expires_at=self._clock.now() + self._window,
        )
        stored = self._idempotency.put_if_absent(route.workspace_id, record)
        result = stored.result if isinstance(stored.result, dict) else {}
        if result.get("claim") != claim:
            return self._replay(result, body_hash)
        try:
            response = self._respond(start)
        except BaseException:
            self._idempotency.delete(route.workspace_id, store_key)  # let the sender's retry start it
            raise
        self._idempotency.set_result(
            route.workspace_id,
            store_key,
            {**result, "response": response.model_dump(mode="json")},
            expires_at=stored.expires_at,
        )
        return response

    @staticmethod
    def _replay(result: Mapping[str, JsonValue], body_hash: str) -> WebhookResponse:
        if result.get("body_sha256") != body_hash:
            return _error(422, "idempotency_key_reused", "this message id was used with another body")
        stored = result.get("response")
        if not isinstance(stored, dict):
            return _error(409, "in_progress", "this message id is being processed")
        response = WebhookResponse.model_validate(stored)
        response.headers["Idempotent-Replay"] = "true"
        return response

    def _respond(self, start: WebhookStart) -> WebhookResponse:
        started = self._start(start)
        body: dict[str, JsonValue] = {"execution_id": started.execution_id, "status": started.status}
        if start.response_mode == "async" or started.status in ("running", "waiting"):
            return WebhookResponse(status_code=202, body=body)
        if started.status == "succeeded":
            return WebhookResponse(status_code=200, body={**body, "output": started.output})
        return WebhookResponse(status_code=502, body={**body, "error": _public_error(started.error)})


def _public_error(error: Mapping[str, JsonValue] | None) -> dict[str, JsonValue] | None:
    """The error name and message only: a public caller never sees stack traces or internal causes."""
    if error is None:
        return None
    from deca.engines.error_details import error_message

    return {"error": error.get("error"), "message": error_message(error.get("cause"))}


def _store_key(route: WebhookRoute, key: str) -> str:
    # Scoped to the trigger; hashed so any sender id fits the store's key length.
    digest = hashlib.sha256(key.encode()).hexdigest()
    return f"webhook:{route.flow_id}:{route.trigger_index}:{digest}"
