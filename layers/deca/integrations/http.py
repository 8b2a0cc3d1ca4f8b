"""The generic HTTP node: build the request, send it with retries, follow pages, map the response."""

from __future__ import annotations

import base64
import binascii
import json
import time
from typing import TYPE_CHECKING, Any

import httpx

from deca.integrations.context import http_client, sleeper
from deca.integrations.errors import (
    HttpRequestFailed,
    HttpServerError,
    IntegrationConfigError,
    IntegrationError,
)
from deca.integrations.http_auth import auth_parts
from deca.integrations.pagination import first_page_params, next_page_params, page_items
from deca.integrations.rest import error_for_status, parse_retry_after, send_with_retries
from deca.nodes.http_request import HttpRequestConfig, HttpRequestOutput

if TYPE_CHECKING:
    from deca.nodes.context import NodeContext

__all__ = ["perform_request"]

_SERVICE = "http_request"


def _timeout(config: HttpRequestConfig) -> float:
    try:
        value = float(config.timeout)
    except ValueError:
        raise IntegrationConfigError(
            f"config.timeout: '{config.timeout}' is not a number of seconds", service=_SERVICE
        ) from None
    if not 0 < value <= 900:
        raise IntegrationConfigError("config.timeout: must be between 0 and 900 seconds", service=_SERVICE)
    return value


def _decode_base64(text: Any, field: str) -> bytes:
    if not isinstance(text, str):
        raise IntegrationConfigError(f"{field}: expected a base64 string", service=_SERVICE)
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        raise IntegrationConfigError(f"{field}: not valid base64", service=_SERVICE) from None


def _body_kwargs(config: HttpRequestConfig) -> dict[str, Any]:
    body, kind = config.body, config.body_type
    if body is None:
        return {}
    if kind == "json":
        return {"json": body}
    if kind == "text":
        return {
            "content": body if isinstance(body, str) else json.dumps(body),
            "headers": {"Content-Type": "text/plain; charset=utf-8"},
        }
    if kind == "binary":
        return {
            "content": _decode_base64(body, "config.body"),
            "headers": {"Content-Type": "application/octet-stream"},
        }
    if not isinstance(body, dict):
        raise IntegrationConfigError(
            f"config.body: body_type '{kind}' needs an object of fields", service=_SERVICE
        )
    if kind == "form":
        return {"data": {k: v if isinstance(v, str) else json.dumps(v) for k, v in body.items()}}
    data: dict[str, str] = {}
    files: dict[str, tuple[str, bytes, str]] = {}
    for name, value in body.items():
        if isinstance(value, dict) and "filename" in value and "content" in value:
            content = _decode_base64(value["content"], f"config.body.{name}.content")
            files[name] = (
                str(value["filename"]),
                content,
                str(value.get("content_type", "application/octet-stream")),
            )
        else:
            data[name] = value if isinstance(value, str) else json.dumps(value)
    return {"data": data, "files": files}


def _parse_body(response: httpx.Response, fmt: str) -> Any:
    if fmt == "binary":
        return base64.b64encode(response.content).decode("ascii")
    if not response.content:
        return None
    is_json = "json" in response.headers.get("content-type", "")
    if fmt == "json" or (fmt == "auto" and is_json):
        try:
            return response.json()
        except ValueError:
            if fmt == "json":
                raise IntegrationError(
                    f"http_request: the response of {response.url} is not JSON",
                    service=_SERVICE,
                    status=response.status_code,
                ) from None
    return response.text


def _send(
    client: httpx.Client,
    config: HttpRequestConfig,
    ctx: NodeContext,
    url: str,
    params: dict[str, Any],
    headers: dict[str, str],
    body: dict[str, Any],
) -> httpx.Response:
    extra_headers = body.get("headers", {})
    try:
        request = client.build_request(
            config.method,
            url,
            params=params or None,
            headers={**extra_headers, **headers},
            **{k: v for k, v in body.items() if k != "headers"},
            timeout=_timeout(config),
        )
    except (httpx.InvalidURL, httpx.UnsupportedProtocol) as exc:
        raise IntegrationConfigError(f"config.url: {exc}", service=_SERVICE) from None
    try:
        response = send_with_retries(
            client,
            request,
            service=_SERVICE,
            attempts=config.retry.max_attempts,
            retry_on=frozenset(config.retry.retry_on_status),
            backoff=config.retry.backoff_seconds,
            sleep=sleeper(ctx),
            respect_retry_after=config.retry.respect_retry_after,
            follow_redirects=config.follow_redirects,
        )
    except httpx.UnsupportedProtocol as exc:
        raise IntegrationConfigError(f"config.url: {exc}", service=_SERVICE) from None
    response.read()
    if config.fail_on_status and response.status_code >= 400:
        if response.status_code == 429:
            raise error_for_status(
                _SERVICE, 429, response.text[:300], parse_retry_after(response.headers.get("retry-after"))
            )
        failed = HttpServerError if response.status_code >= 500 else HttpRequestFailed
        raise failed(
            f"{config.method} {response.url} answered {response.status_code}: {response.text[:300]}",
            status=response.status_code,
            body=response.text[:2000],
            url=str(response.url),
        )
    return response


def perform_request(config: HttpRequestConfig, ctx: NodeContext) -> HttpRequestOutput:
    """Send the configured request (all its pages) and map the last response to the node output."""
    started = time.perf_counter()
    with http_client(ctx) as client:
        auth = auth_parts(ctx, config.auth, client)
        body = _body_kwargs(config)
        base_params: dict[str, Any] = {**config.query, **auth.params}
        pagination = config.pagination
        url = config.url
        params = {**base_params, **(first_page_params(pagination) if pagination else {})}
        items: list[Any] | None = [] if pagination else None
        pages = 0
        while True:
            response = _send(client, config, ctx, url, params, {**config.headers, **auth.headers}, body)
            pages += 1
            parsed = _parse_body(response, config.response_format)
            if pagination is None or items is None or response.status_code >= 400:
                break
            found = page_items(parsed, pagination)
            items.extend(found)
            if pages >= pagination.max_pages:
                break
            following = next_page_params(pagination, response, parsed, found, pages)
            if following is None:
                break
            if isinstance(following, str):
                url, params = following, {**dict(httpx.URL(following).params), **auth.params}
            else:
                params = {**base_params, **following}
    return HttpRequestOutput(
        status=response.status_code,
        headers={k.lower(): v for k, v in response.headers.items()},
        body=parsed,
        items=items,
        pages=pages,
        url=str(response.url),
        duration_ms=int((time.perf_counter() - started) * 1000),
    )
