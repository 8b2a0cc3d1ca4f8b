"""One error body for every failure, and the mapping from each error family to its HTTP status.

Body: `{"error": {"code": "<stable>", "message": "...", "details": [{"path": "body.nodes[2].config.url",
"message": "..."}]}}`. Codes are public API: never rename one. Client mistakes are 4xx, never 500.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any, Final

from fastapi import FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import BaseRoute, Match

from deca.auth import AuthError, AuthUnavailableError, PermissionDeniedError, RateLimitedError
from deca.errors import CompileErrors, ConflictError, DecaError, InputError, NotFoundError
from deca.sandbox.errors import SandboxError

__all__ = [
    "ApiError",
    "ErrorBody",
    "ErrorDetail",
    "ErrorInfo",
    "compile_details",
    "error_for",
    "error_response",
    "error_responses",
    "format_location",
    "install_error_handlers",
    "validation_details",
]

logger = logging.getLogger(__name__)


class ErrorDetail(BaseModel):
    """One problem, located by a path into the request (`body.nodes[2].config.url`, `query.limit`)."""

    path: str = Field(description="Where the problem is: `body.…`, `query.…`, `path.…` or `header.…`")
    message: str = Field(description="What is wrong, for humans")


class ErrorInfo(BaseModel):
    """The error itself."""

    code: str = Field(description="Stable machine-readable code, e.g. `validation_error`, `not_found`")
    message: str = Field(description="Summary for humans")
    details: list[ErrorDetail] = Field(default_factory=list, description="One entry per problem")


class ErrorBody(BaseModel):
    """Every error response has this body."""

    error: ErrorInfo


class ApiError(DecaError):
    """An HTTP-level failure raised by the API itself (too large, unsupported, ...)."""

    def __init__(self, status: int, code: str, message: str, details: Sequence[ErrorDetail] = ()) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.details = list(details)


_DESCRIPTIONS: Final[dict[int, str]] = {
    400: "Malformed request (invalid JSON, bad cursor)",
    401: "Missing or invalid bearer token",
    403: "The caller's role lacks the permission",
    404: "No such resource in the caller's workspace",
    409: "Conflicts with existing state",
    413: "Request body too large",
    422: "The request does not validate; `details` locate each problem",
    429: "Rate limit exceeded; see Retry-After",
    503: "A dependency is unavailable",
}

_STATUS_CODES: Final[dict[int, str]] = {
    400: "bad_request",
    401: "unauthenticated",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    406: "not_acceptable",
    413: "payload_too_large",
    415: "unsupported_media_type",
    422: "validation_error",
    429: "rate_limited",
}


def error_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI `responses` entries documenting these error statuses with the error body."""
    return {status: {"model": ErrorBody, "description": _DESCRIPTIONS[status]} for status in statuses}


def format_location(loc: Iterable[int | str]) -> str:
    """A pydantic location as a path: `("body", "nodes", 2, "url")` → `body.nodes[2].url`."""
    path = ""
    for part in loc:
        if isinstance(part, int):
            path += f"[{part}]"
        else:
            path += f".{part}" if path else str(part)
    return path


def error_response(
    status: int,
    code: str,
    message: str,
    details: Sequence[ErrorDetail] = (),
    headers: Mapping[str, str] | None = None,
) -> JSONResponse:
    """A JSON response with the error body."""
    body = ErrorBody(error=ErrorInfo(code=code, message=message, details=list(details)))
    return JSONResponse(jsonable_encoder(body), status_code=status, headers=dict(headers or {}))


def validation_details(errors: Sequence[Any], body: Any) -> list[ErrorDetail]:
    """One detail per problem; union members tried for one field are joined into one message."""
    messages: dict[str, list[str]] = {}
    for error in errors:
        path = format_location(_without_union_tags(list(error.get("loc", ())), body))
        message = str(error.get("msg", "invalid"))
        if message not in messages.setdefault(path, []):
            messages[path].append(message)
    return [ErrorDetail(path=path, message="; or ".join(found)) for path, found in messages.items()]


_UNKNOWN: Final = object()
_TAG_PREFIXES: Final = ("function-", "constrained-", "tagged-union", "nullable", "lax-", "json-or-python")
_SCALAR_TAGS: Final = frozenset({"int", "str", "float", "bool", "bytes", "none", "list", "dict", "literal"})


def _is_union_tag(part: str, current: Any) -> bool:
    """Whether `part` names a union member rather than a field of the value at `current`."""
    if "[" in part or part.startswith(_TAG_PREFIXES):
        return True
    if current is _UNKNOWN:
        return False
    if isinstance(current, dict):
        if part in current:
            return False
        discriminators = {value for value in current.values() if isinstance(value, str)}  # e.g. `type`
        return part in discriminators or part[:1].isupper() or part in _SCALAR_TAGS
    return True  # a scalar or a list has no named fields: the name is the member tried


def _without_union_tags(loc: list[int | str], body: Any) -> list[int | str]:
    """Drop the union members pydantic puts in locations (`nodes[2].http_request.config`): not fields.

    A discriminated member shows as its tag (the node's `type`), others as a type name
    (`constrained-int`, `function-after[...]`, a model class). The body is walked alongside to tell a
    member from a real (possibly missing) key.
    """
    if loc[:1] != ["body"]:
        return [part for part in loc if not (isinstance(part, str) and _is_union_tag(part, _UNKNOWN))]
    kept: list[int | str] = ["body"]
    current: Any = body
    for part in loc[1:]:
        if isinstance(part, str) and _is_union_tag(part, current):
            continue
        kept.append(part)
        current = _child(current, part)
    return kept


def _child(value: Any, part: int | str) -> Any:
    """The value at `part` inside `value`, or `_UNKNOWN` when it is not there."""
    if isinstance(value, dict) and isinstance(part, str):
        return value.get(part, _UNKNOWN)
    if isinstance(value, list) and isinstance(part, int) and 0 <= part < len(value):
        return value[part]
    return _UNKNOWN


async def _on_validation(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = list(exc.errors())
    if any(error.get("type") == "json_invalid" for error in errors):
        reason = next(
            str(e.get("ctx", {}).get("error", "")) for e in errors if e.get("type") == "json_invalid"
        )
        return error_response(400, "malformed_json", f"request body is not valid JSON: {reason}".rstrip(": "))
    return error_response(
        422, "validation_error", "request does not validate", validation_details(errors, exc.body)
    )


def _routes(routes: Iterable[BaseRoute]) -> Iterator[BaseRoute]:
    """The routes, with those of included routers (FastAPI keeps an included router as one entry)."""
    for route in routes:
        included = getattr(route, "original_router", None)
        if included is not None:
            yield from _routes(included.routes)
        else:
            yield route


def _allowed_methods(request: Request) -> str:
    """Every method some route takes at this path (a path's routes are registered one per method)."""
    matching = [
        route for route in _routes(request.app.router.routes) if route.matches(request.scope)[0] != Match.NONE
    ]
    # `/flows/import` also fits `/flows/{flow_id}`: the literal path is the documented resource
    literal = [route for route in matching if getattr(route, "path", None) == request.url.path]
    methods = {method for route in literal or matching for method in getattr(route, "methods", None) or ()}
    return ", ".join(sorted(methods))


async def _on_http(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    code = _STATUS_CODES.get(exc.status_code, "http_error")
    headers = dict(exc.headers or {})
    if exc.status_code == 405:
        headers["Allow"] = _allowed_methods(request)
    return error_response(exc.status_code, code, str(exc.detail), headers=headers)


def compile_details(exc: CompileErrors) -> list[ErrorDetail]:
    details = []
    for error in exc.errors:
        if error.position:
            path = "body." + error.position
        elif error.node_id is not None:
            path = f"body.nodes[id={error.node_id}]"
        else:
            path = "body"
        details.append(ErrorDetail(path=path, message=error.message))
    return details


_FAMILIES: Final[tuple[tuple[type[DecaError], int], ...]] = (
    (AuthError, 401),
    (PermissionDeniedError, 403),
    (NotFoundError, 404),
    (ConflictError, 409),
    (CompileErrors, 422),
    (RateLimitedError, 429),
    (AuthUnavailableError, 503),
    (SandboxError, 503),  # the code runner itself failed (not the user's code): retry later
    (InputError, 400),
)
"""Each error family's status; a DecaError of no family (e.g. `DecryptionError`) is a server fault."""


def _headers(exc: DecaError) -> dict[str, str]:
    if isinstance(exc, AuthError):
        return {"WWW-Authenticate": 'Bearer error="invalid_token"'}
    if isinstance(exc, RateLimitedError):
        return {"Retry-After": str(exc.retry_after_seconds)}
    if isinstance(exc, AuthUnavailableError):
        return {"Retry-After": "30"}
    return {}


async def _on_deca(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, DecaError)
    if isinstance(exc, ApiError):
        return error_response(exc.status, exc.code, exc.message, exc.details)
    if isinstance(exc, CompileErrors):
        return error_response(422, exc.code, "flow does not compile", compile_details(exc))
    status = next((status for family, status in _FAMILIES if isinstance(exc, family)), None)
    if status is None:
        logger.error("domain error without an HTTP status", extra={"error_code": exc.code})
        return error_response(500, "internal_error", "internal error")
    return error_response(status, exc.code, exc.message, headers=_headers(exc))


async def _on_unexpected(request: Request, exc: Exception) -> JSONResponse:
    logger.exception("unhandled error")
    return error_response(500, "internal_error", "internal error")


async def error_for(request: Request, exc: Exception) -> JSONResponse:
    """The answer the app's error handlers give `exc`, for ASGI code that runs before FastAPI's routing."""
    if isinstance(exc, RequestValidationError):
        return await _on_validation(request, exc)
    if isinstance(exc, StarletteHTTPException):
        return await _on_http(request, exc)
    if isinstance(exc, DecaError):
        return await _on_deca(request, exc)
    return await _on_unexpected(request, exc)


def install_error_handlers(app: FastAPI) -> None:
    """Route every error family to its status and the common body."""
    app.add_exception_handler(RequestValidationError, _on_validation)
    app.add_exception_handler(StarletteHTTPException, _on_http)
    app.add_exception_handler(DecaError, _on_deca)
    app.add_exception_handler(Exception, _on_unexpected)
