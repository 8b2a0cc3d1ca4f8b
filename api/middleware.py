"""ASGI middleware of the API: request log and id, the body size limit and JSON-only bodies."""

from __future__ import annotations

import logging
import time
import uuid

from fastapi.encoders import jsonable_encoder
from starlette.exceptions import HTTPException
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.errors import ErrorBody, ErrorInfo

__all__ = ["BodySizeLimit", "JsonOnly", "RequestLog"]


logger = logging.getLogger("api.requests")


class RequestLog:
    """Gives each request an id (API Gateway's, else a new one), echoes it in `X-Request-ID` and logs
    one line per request with the correlation keys (`workspace_id` once the caller is known)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Time the request and log its outcome."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        event = scope.get("aws.event") or {}
        request_id = (event.get("requestContext") or {}).get("requestId") or uuid.uuid4().hex
        started = time.perf_counter()
        status = 500

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message["headers"] = [*message.get("headers", []), (b"x-request-id", request_id.encode())]
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            state = scope.get("state") or {}
            logger.info(
                "request completed",
                extra={
                    "request_id": request_id,
                    "method": scope.get("method"),
                    "path": scope.get("path"),
                    "status": status,
                    "duration_ms": round((time.perf_counter() - started) * 1000, 1),
                    "workspace_id": state.get("workspace_id"),
                    "user_id": state.get("user_id"),
                },
            )


def _too_large(limit: int) -> str:
    return f"request body exceeds {limit} bytes"


async def _refuse(scope: Scope, receive: Receive, send: Send, status: int, code: str, message: str) -> None:
    body = ErrorBody(error=ErrorInfo(code=code, message=message))
    await JSONResponse(jsonable_encoder(body), status_code=status)(scope, receive, send)


def _is_json(content_type: bytes) -> bool:
    media = content_type.split(b";", 1)[0].strip().lower()
    return media == b"application/json" or (media.startswith(b"application/") and media.endswith(b"+json"))


class JsonOnly:
    """Refuses a request body that is not declared as JSON with 415 (paths under `exempt` may take any)."""

    def __init__(self, app: ASGIApp, *, exempt: tuple[str, ...] = ()) -> None:
        self.app = app
        self.exempt = exempt

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Let through bodiless requests, JSON bodies and exempt paths."""
        path = str(scope.get("path", "")) if scope["type"] == "http" else ""
        if scope["type"] == "http" and not any(path.startswith(prefix) for prefix in self.exempt):
            headers = dict(scope.get("headers", []))
            has_body = (
                headers.get(b"content-length", b"0") not in (b"0", b"") or b"transfer-encoding" in headers
            )
            if has_body and not _is_json(headers.get(b"content-type", b"")):
                await _refuse(
                    scope, receive, send, 415, "unsupported_media_type", "request body must be JSON"
                )
                return
        await self.app(scope, receive, send)


class BodySizeLimit:
    """Refuses bodies over `max_bytes` with 413: early from Content-Length, else while streaming."""

    def __init__(self, app: ASGIApp, *, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Check the declared length, then count the bytes actually received."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers", [])).get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > self.max_bytes):
            if declared.isdigit():
                await _refuse(scope, receive, send, 413, "payload_too_large", _too_large(self.max_bytes))
            else:
                await _refuse(scope, receive, send, 400, "bad_request", "invalid Content-Length")
            return
        received = 0

        async def counting_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    # HTTPException passes through FastAPI's body parsing to the error handlers.
                    raise HTTPException(413, _too_large(self.max_bytes))
            return message

        await self.app(scope, counting_receive, send)
