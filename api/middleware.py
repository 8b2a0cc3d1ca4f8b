"""ASGI middleware of the API: the request body size limit."""

from __future__ import annotations

from fastapi.encoders import jsonable_encoder
from starlette.exceptions import HTTPException
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.errors import ErrorBody, ErrorInfo

__all__ = ["BodySizeLimit"]


def _too_large(limit: int) -> str:
    return f"request body exceeds {limit} bytes"


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
            status, code = (413, "payload_too_large") if declared.isdigit() else (400, "bad_request")
            message = _too_large(self.max_bytes) if status == 413 else "invalid Content-Length"
            body = ErrorBody(error=ErrorInfo(code=code, message=message))
            await JSONResponse(jsonable_encoder(body), status_code=status)(scope, receive, send)
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
