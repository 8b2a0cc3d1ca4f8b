"""Which IP addresses a user-aimed request may reach: public unicast only, whatever the encoding.

An address is judged after unwrapping every IPv6 form that carries an IPv4 address (IPv4-mapped
`::ffff:a.b.c.d`, IPv4-compatible `::a.b.c.d`, NAT64 `64:ff9b::/96`, 6to4 `2002::/16`, Teredo), so
`::ffff:169.254.169.254` is judged as `169.254.169.254`. Host literals in the legacy forms that
`inet_aton` accepts (`2130706433`, `0177.0.0.1`, `0x7f.1`) are parsed as the address they mean.
"""

from __future__ import annotations

import ipaddress
import re
import socket

__all__ = ["IPAddress", "blocked_reason", "embedded_ipv4", "parse_ip_literal"]

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

_NAT64 = (ipaddress.IPv6Network("64:ff9b::/96"), ipaddress.IPv6Network("64:ff9b:1::/48"))
# Digits, hex and octal parts separated by dots: the inputs inet_aton understands.
_LEGACY_IPV4 = re.compile(r"^(0[xX][0-9a-fA-F]*|[0-9]+)(\.(0[xX][0-9a-fA-F]*|[0-9]+)){0,3}\.?$")


def parse_ip_literal(host: str) -> IPAddress | None:
    """The address a host string denotes literally (any IPv4 encoding, bracketed IPv6), or None for names."""
    text = host.strip().rstrip(".") if not host.startswith("[") else host.strip()[1:-1]
    if "%" in text:  # IPv6 zone ids (fe80::1%eth0) name an interface: judge the address alone
        text = text.split("%", 1)[0]
    try:
        return ipaddress.ip_address(text)
    except ValueError:
        pass
    if _LEGACY_IPV4.match(host.strip()):
        try:
            return ipaddress.IPv4Address(socket.inet_aton(host.strip().rstrip(".")))
        except OSError:
            return None
    return None


def embedded_ipv4(address: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 address carries (mapped, compatible, NAT64, 6to4, Teredo), if any."""
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address.sixtofour is not None:
        return address.sixtofour
    if address.teredo is not None:
        return address.teredo[1]
    if any(address in net for net in _NAT64):
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    packed = int(address)
    # IPv4-compatible (::a.b.c.d, deprecated but still routed by some stacks); :: and ::1 are not.
    if packed >> 32 == 0 and packed > 1:
        return ipaddress.IPv4Address(packed)
    return None


def blocked_reason(address: IPAddress) -> str | None:
    """Why this address may not be reached (loopback, private, link-local, ...), or None when it is public."""
    if isinstance(address, ipaddress.IPv6Address):
        inner = embedded_ipv4(address)
        if inner is not None:
            reason = blocked_reason(inner)
            return f"{reason} (embedded in {address})" if reason else None
    checks = (
        ("unspecified", address.is_unspecified),
        ("loopback", address.is_loopback),
        ("link-local", address.is_link_local),
        ("multicast", address.is_multicast),
        ("private", address.is_private),
        ("reserved", address.is_reserved),
        ("not globally routable", not address.is_global),
    )
    for name, hit in checks:
        if hit:
            return f"{name} address"
    return None
