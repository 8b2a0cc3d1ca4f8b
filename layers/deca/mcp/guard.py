"""The SSRF guard for MCP over HTTP: the same `OutboundPolicy` as `deca.net`, as an async httpx transport.

The SDK talks HTTP through an `httpx.AsyncClient`; this transport resolves and checks each request's
host (in a worker thread: resolution blocks) and connects to the checked address, keeping the host
name for `Host`, SNI and certificate checks, like `deca.net.GuardedTransport`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import httpx

from deca.net.addresses import parse_ip_literal
from deca.net.errors import OutboundRequestBlocked
from deca.net.transport import GuardedTransport

if TYPE_CHECKING:
    from deca.net.policy import OutboundPolicy

__all__ = ["AsyncGuardedTransport", "policy_of"]

_DEFAULT_PORTS = {"http": 80, "https": 443}


class AsyncGuardedTransport(httpx.AsyncBaseTransport):
    """Checks each request's destination with `policy`, then sends it to the checked IP address."""

    def __init__(self, policy: OutboundPolicy, inner: httpx.AsyncBaseTransport | None = None) -> None:
        self.policy = policy
        self._inner = inner if inner is not None else httpx.AsyncHTTPTransport(retries=0)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        """Resolve and check the host, pin the connection to the checked address, send."""
        import anyio

        url = request.url
        if url.scheme not in _DEFAULT_PORTS:
            raise OutboundRequestBlocked(f"scheme '{url.scheme}' is not allowed", host=url.host)
        host, port = url.host, url.port or _DEFAULT_PORTS[url.scheme]
        address = await anyio.to_thread.run_sync(self.policy.resolve, host, port)
        literal = parse_ip_literal(host)
        if literal is not None and str(literal) == host:
            return await self._inner.handle_async_request(request)
        extensions = dict(request.extensions)
        if url.scheme == "https":
            extensions["sni_hostname"] = host
        pinned = httpx.Request(
            request.method,
            url.copy_with(host=str(address)),
            headers=request.headers,
            stream=request.stream,
            extensions=extensions,
        )
        return await self._inner.handle_async_request(pinned)

    async def aclose(self) -> None:
        """Close the wrapped transport."""
        await self._inner.aclose()


def policy_of(http: Callable[[], httpx.Client] | None) -> OutboundPolicy | None:
    """The SSRF policy of a node context's HTTP client factory, when it builds guarded clients."""
    if http is None:
        return None
    client = http()
    try:
        transport = getattr(client, "_transport", None)  # httpx keeps the mounted transport here
        return transport.policy if isinstance(transport, GuardedTransport) else None
    finally:
        client.close()
