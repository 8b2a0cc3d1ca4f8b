"""Address rules of the SSRF guard: every encoding of an internal address is recognised and refused."""

from __future__ import annotations

import ipaddress

import pytest

from deca.net import blocked_reason, embedded_ipv4, parse_ip_literal


@pytest.mark.parametrize(
    ("literal", "address"),
    [
        ("2130706433", "127.0.0.1"),
        ("0177.0.0.1", "127.0.0.1"),
        ("0x7f.1", "127.0.0.1"),
        ("0x7f000001", "127.0.0.1"),
        ("127.1", "127.0.0.1"),
        ("0251.0376.0251.0376", "169.254.169.254"),
        ("2852039166", "169.254.169.254"),
        ("[::1]", "::1"),
        ("fe80::1%eth0", "fe80::1"),
    ],
    ids=[
        "decimal",
        "octal",
        "hex-short",
        "hex",
        "short",
        "octal-metadata",
        "decimal-metadata",
        "ipv6-bracketed",
        "zone",
    ],
)
def test_legacy_and_bracketed_literals_parse_to_the_address_they_mean(literal: str, address: str) -> None:
    assert parse_ip_literal(literal) == ipaddress.ip_address(address)


@pytest.mark.parametrize("name", ["example.com", "api.example.com", "1.example", "localhost"])
def test_host_names_are_not_literals(name: str) -> None:
    assert parse_ip_literal(name) is None


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1",
        "10.1.2.3",
        "172.16.0.1",
        "192.168.1.1",
        "169.254.169.254",
        "0.0.0.0",
        "100.64.0.1",
        "224.0.0.1",
        "240.0.0.1",
        "255.255.255.255",
        "::1",
        "::",
        "fe80::1",
        "fc00::1",
        "ff02::1",
        "::ffff:169.254.169.254",
        "::ffff:127.0.0.1",
        "::127.0.0.1",
        "64:ff9b::a9fe:a9fe",
        "2002:a9fe:a9fe::1",
    ],
)
def test_internal_addresses_are_blocked(address: str) -> None:
    assert blocked_reason(ipaddress.ip_address(address)) is not None


@pytest.mark.parametrize("address", ["8.8.8.8", "93.184.215.14", "2606:4700:4700::1111", "::ffff:8.8.8.8"])
def test_public_addresses_pass(address: str) -> None:
    assert blocked_reason(ipaddress.ip_address(address)) is None


def test_nat64_address_carries_its_ipv4_address() -> None:
    assert embedded_ipv4(ipaddress.IPv6Address("64:ff9b::7f00:1")) == ipaddress.IPv4Address("127.0.0.1")


def test_metadata_address_reason_is_link_local() -> None:
    assert blocked_reason(ipaddress.ip_address("169.254.169.254")) == "link-local address"
