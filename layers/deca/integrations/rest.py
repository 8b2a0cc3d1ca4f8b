"""One HTTP exchange with a provider API: retries on rate limits and outages, errors mapped to names.

`RestClient.send` waits and retries on 429/502/503/504 (honouring `Retry-After` up to a cap), turns
transport failures into `HttpTimeout`/`HttpConnectionError`, a refused destination into the guard's
`OutboundRequestBlocked`, and error statuses into the integration error family with the provider's
own message (each service passes a function extracting it from its error body).
"""

from __future__ import annotations

import email.utils
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import httpx

from deca.integrations.errors import (
    HttpConnectionError,
    HttpTimeout,
    IntegrationAuthError,
    IntegrationConfigError,
    IntegrationError,
    IntegrationNotFound,
    IntegrationRateLimited,
)

__all__ = ["RETRY_STATUSES", "RestClient", "error_for_status", "parse_retry_after", "send_with_retries"]

RETRY_STATUSES = frozenset({429, 502, 503, 504})
_MAX_WAIT_SECONDS = 30.0


def parse_retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds to wait from a `Retry-After` header (delta seconds or an HTTP date), or None."""
    if not value:
        return None
    text = value.strip()
    try:
        return max(0.0, float(text))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    current = now or datetime.now(UTC)
    return max(0.0, (when - current).total_seconds())


def error_for_status(
    service: str, status: int, detail: str, retry_after: float | None = None
) -> IntegrationError:
    """The named error for an error status of a provider API."""
    message = f"{service} answered {status}: {detail}" if detail else f"{service} answered {status}"
    if status in (401, 403):
        return IntegrationAuthError(message, service=service, status=status)
    if status in (404, 410):
        return IntegrationNotFound(message, service=service, status=status)
    if status == 429:
        return IntegrationRateLimited(message, service=service, status=status, retry_after=retry_after)
    if status in (400, 409, 413, 422):
        return IntegrationConfigError(message, service=service, status=status)
    return IntegrationError(message, service=service, status=status)


def send_with_retries(
    client: httpx.Client,
    request: httpx.Request,
    *,
    service: str,
    attempts: int,
    retry_on: frozenset[int],
    backoff: float,
    sleep: Callable[[float], None],
    respect_retry_after: bool = True,
    max_wait: float = _MAX_WAIT_SECONDS,
    follow_redirects: bool = False,
) -> httpx.Response:
    """Send `request`, retrying transport errors and `retry_on` statuses; returns the last response.

    Raises:
        HttpTimeout, HttpConnectionError: every attempt failed in transport.
        IntegrationRateLimited: the service asked to wait longer than `max_wait` seconds.
    """
    delay = backoff
    for attempt in range(1, attempts + 1):
        last = attempt == attempts
        try:
            response = client.send(request, follow_redirects=follow_redirects)
        except httpx.TimeoutException as exc:
            if last:
                raise HttpTimeout(
                    f"{service}: no answer from {request.url.host} in time ({exc})", service=service
                ) from None
        except httpx.TransportError as exc:
            if last:
                raise HttpConnectionError(
                    f"{service}: cannot reach {request.url.host}: {exc or type(exc).__name__}",
                    service=service,
                ) from None
        else:
            if response.status_code not in retry_on or last:
                return response
            wait = parse_retry_after(response.headers.get("retry-after")) if respect_retry_after else None
            response.close()
            if wait is not None and wait > max_wait:
                raise IntegrationRateLimited(
                    f"{service} asked to retry after {wait:g} s",
                    service=service,
                    status=response.status_code,
                    retry_after=wait,
                )
            if wait is not None:
                sleep(wait)
                continue
        sleep(delay)
        delay *= 2
    raise AssertionError("unreachable")  # pragma: no cover - the loop returns or raises on its last attempt


@dataclass
class RestClient:
    """A provider API at `base_url` with fixed headers; `call` returns parsed JSON or raises a named error."""

    service: str
    client: httpx.Client
    base_url: str
    headers: Mapping[str, str] = field(default_factory=dict)
    sleep: Callable[[float], None] = field(default=lambda _s: None)
    attempts: int = 3
    backoff: float = 1.0
    detail: Callable[[httpx.Response], str] = field(default=lambda r: r.text[:300])

    def request(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, Any] | None = None,
        json: Any = None,
        content: bytes | None = None,
        headers: Mapping[str, str] | None = None,
        url: str | None = None,
    ) -> httpx.Response:
        """Send one call (with retries) and return the successful response; error statuses raise."""
        target = url if url is not None else f"{self.base_url}{path}"
        request = self.client.build_request(
            method,
            target,
            params={k: v for k, v in (params or {}).items() if v is not None},
            json=json,
            content=content,
            headers={**self.headers, **(headers or {})},
        )
        response = send_with_retries(
            self.client,
            request,
            service=self.service,
            attempts=self.attempts,
            retry_on=RETRY_STATUSES,
            backoff=self.backoff,
            sleep=self.sleep,
        )
        response.read()
        if response.status_code >= 400:
            retry_after = parse_retry_after(response.headers.get("retry-after"))
            raise error_for_status(self.service, response.status_code, self.detail(response), retry_after)
        return response

    def call(self, method: str, path: str, **kwargs: Any) -> Any:
        """`request` and parse the JSON body (an empty body is None)."""
        response = self.request(method, path, **kwargs)
        if not response.content:
            return None
        try:
            return response.json()
        except ValueError:
            raise IntegrationError(
                f"{self.service} answered with a body that is not JSON",
                service=self.service,
                status=response.status_code,
            ) from None
