"""Errors of outbound network calls: a destination the SSRF guard refuses."""

from __future__ import annotations

from deca.errors import DecaError

__all__ = ["OutboundRequestBlocked"]


class OutboundRequestBlocked(DecaError):
    """An outbound request (or one of its redirects) aims at an address flows may not reach."""

    code = "outbound_request_blocked"

    def __init__(self, message: str, *, host: str, address: str | None = None) -> None:
        super().__init__(message)
        self.host = host
        self.address = address
