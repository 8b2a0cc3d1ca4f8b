"""An httpx transport that enforces the SSRF policy on every request and every redirect hop.

The host is resolved once, every address it resolves to is checked, and the connection goes to the
checked address (so a DNS answer that changes between check and connect, "DNS rebinding", cannot
redirect it); the original name stays in the `Host` header and in TLS SNI and certificate checks.
The client follows redirects itself, so each hop comes back through `handle_request` and is checked.
"""

from __future__ import annotations

from typing import Any

import httpx

from deca.net.addresses import parse_ip_literal
from deca.net.errors import OutboundRequestBlocked
from deca.net.policy import OutboundPolicy

__all__ = ["GuardedTransport", "guarded_client"]

_DEFAULT_PORTS = {"http": 80, "https": 443}


class GuardedTransport(httpx.BaseTransport):
    """Checks each request's destination with `policy`, then sends it to the checked IP address."""

    def __init__(self, policy: OutboundPolicy, inner: httpx.BaseTransport | None = None) -> None:
        self.policy = policy
        self._inner = inner if inner is not None else httpx.HTTPTransport(retries=0)

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        """Resolve and check the host, pin the connection to the checked address, send."""
        url = request.url
        if url.scheme not in _DEFAULT_PORTS:
            raise OutboundRequestBlocked(f"scheme '{url.scheme}' is not allowed", host=url.host)
        host = url.host
        port = url.port or _DEFAULT_PORTS[url.scheme]
        address = self.policy.resolve(host, port)
        pinned = str(address)
        literal = parse_ip_literal(host)
        if literal is not None and str(literal) == host:
            return self._inner.handle_request(request)
        # Send a copy aimed at the checked address; the caller's request (and so `response.url`,
        # redirects and relative links) keeps the host name, and `Host` was set from it.
        extensions = dict(request.extensions)
        if url.scheme == "https":
            # TLS must still name (SNI) and verify the certificate of the host the caller asked for.
            extensions["sni_hostname"] = host
        pinned_request = httpx.Request(
            request.method,
            url.copy_with(host=pinned),
            headers=request.headers,
            stream=request.stream,
            extensions=extensions,
        )
        return self._inner.handle_request(pinned_request)

    def close(self) -> None:
        """Close the wrapped transport."""
        self._inner.close()


def guarded_client(
    policy: OutboundPolicy | None = None,
    *,
    timeout: float = 30.0,
    follow_redirects: bool = False,
    inner: httpx.BaseTransport | None = None,
    **kwargs: Any,
) -> httpx.Client:
    """An httpx.Client whose every request (and redirect) passes the SSRF guard; env proxies are ignored."""
    transport = GuardedTransport(policy or OutboundPolicy(), inner)
    return httpx.Client(
        transport=transport, timeout=timeout, follow_redirects=follow_redirects, trust_env=False, **kwargs
    )
