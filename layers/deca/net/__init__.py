"""Outbound network access for user-aimed requests: the SSRF guard (policy, address rules, transport)."""

from __future__ import annotations

from deca.net.addresses import blocked_reason, embedded_ipv4, parse_ip_literal
from deca.net.errors import OutboundRequestBlocked
from deca.net.policy import BLOCKED_HOSTNAMES, OutboundPolicy, Resolver, system_resolver
from deca.net.transport import GuardedTransport, guarded_client

__all__ = [
    "BLOCKED_HOSTNAMES",
    "GuardedTransport",
    "OutboundPolicy",
    "OutboundRequestBlocked",
    "Resolver",
    "blocked_reason",
    "embedded_ipv4",
    "guarded_client",
    "parse_ip_literal",
    "system_resolver",
]
