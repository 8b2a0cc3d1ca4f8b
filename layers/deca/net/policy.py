"""The SSRF policy: which hosts outbound requests may reach, with an allow-list for self-hosted targets."""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

import httpx

from deca.net.addresses import IPAddress, blocked_reason, parse_ip_literal
from deca.net.errors import OutboundRequestBlocked

__all__ = ["BLOCKED_HOSTNAMES", "OutboundPolicy", "Resolver", "system_resolver"]

Resolver = Callable[[str, int], Sequence[str]]
"""Resolves (host, port) to IP address strings."""

# Cloud metadata services reachable by name (their addresses are link-local and blocked anyway).
BLOCKED_HOSTNAMES = frozenset(
    {
        "localhost",
        "metadata",
        "metadata.google.internal",
        "metadata.goog",
        "instance-data",
        "instance-data.ec2.internal",
        "metadata.azure.com",
        "metadata.platformequinix.com",
    }
)
_BLOCKED_SUFFIXES = (".localhost", ".internal", ".local")


def system_resolver(host: str, port: int) -> list[str]:
    """Every address the system resolver gives for host (IPv4 and IPv6); `httpx.ConnectError` if none."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        # Not a refusal: the name may resolve on a retry, so it is a connection error like httpx's own.
        raise httpx.ConnectError(f"cannot resolve host '{host}': {exc.strerror}") from None
    seen: list[str] = []
    for info in infos:
        address = str(info[4][0])
        if address not in seen:
            seen.append(address)
    return seen


def _parse_allow(
    entries: Iterable[str],
) -> tuple[frozenset[str], tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]]:
    hosts: set[str] = set()
    networks: list[ipaddress.IPv4Network | ipaddress.IPv6Network] = []
    for raw in entries:
        entry = raw.strip().lower()
        if not entry:
            continue
        try:
            networks.append(ipaddress.ip_network(entry, strict=False))
        except ValueError:
            hosts.add(entry.rstrip("."))
    return frozenset(hosts), tuple(networks)


@dataclass(frozen=True)
class OutboundPolicy:
    """Blocks non-public destinations; `allow` lists host names and CIDRs that are reachable anyway."""

    allow: tuple[str, ...] = ()
    resolver: Resolver = field(default=system_resolver, compare=False)

    @classmethod
    def from_setting(cls, value: str, *, resolver: Resolver = system_resolver) -> OutboundPolicy:
        """A policy from a comma-separated allow-list setting (`git.acme.lan,10.0.0.0/8`)."""
        return cls(allow=tuple(e.strip() for e in value.split(",") if e.strip()), resolver=resolver)

    def _allowed(self) -> tuple[frozenset[str], tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]]:
        return _parse_allow(self.allow)

    def host_allowed(self, host: str) -> bool:
        """Whether the host name itself is on the allow-list."""
        hosts, _ = self._allowed()
        return host.lower().rstrip(".") in hosts

    def address_allowed(self, address: IPAddress) -> bool:
        """Whether the address is in an allow-listed network."""
        _, networks = self._allowed()
        return any(address.version == net.version and address in net for net in networks)

    def resolve(self, host: str, port: int) -> IPAddress:
        """The one address to connect to for host, after checking every address it resolves to.

        Raises:
            OutboundRequestBlocked: the host or any of its addresses may not be reached.
        """
        name = host.lower().rstrip(".")
        listed = self.host_allowed(name)
        literal = parse_ip_literal(host)
        if literal is not None:
            candidates: list[IPAddress] = [literal]
        else:
            if not listed and (name in BLOCKED_HOSTNAMES or name.endswith(_BLOCKED_SUFFIXES)):
                raise OutboundRequestBlocked(f"host '{host}' is an internal name", host=host)
            resolved = self.resolver(host, port)
            if not resolved:
                raise OutboundRequestBlocked(f"host '{host}' resolves to no address", host=host)
            candidates = [ipaddress.ip_address(a.split("%", 1)[0]) for a in resolved]
        if not listed:
            for address in candidates:
                reason = blocked_reason(address)
                if reason is not None and not self.address_allowed(address):
                    raise OutboundRequestBlocked(
                        f"host '{host}' resolves to {address}, a {reason}; add it to the outbound "
                        "allow-list setting if it is a trusted self-hosted service",
                        host=host,
                        address=str(address),
                    )
        return candidates[0]
