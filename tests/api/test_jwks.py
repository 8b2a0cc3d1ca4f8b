"""Verification keys: a static JWKS, and one fetched over HTTP and cached (deca.auth.jwks)."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from deca.auth import AuthError, AuthUnavailableError, HttpJwks, LocalIssuer, StaticJwks
from tests.fakes.clock import FakeClock

JWKS_URL = "https://issuer.example.test/.well-known/jwks.json"


class FakeIssuerServer:
    """Serves a JWKS and counts the fetches."""

    def __init__(self, document: dict[str, Any]) -> None:
        self.document = document
        self.fetches = 0
        self.fail = False

    def handle(self, request: httpx.Request) -> httpx.Response:
        self.fetches += 1
        if self.fail:
            return httpx.Response(503)
        return httpx.Response(200, json=self.document)


@pytest.fixture
def server(issuer: LocalIssuer) -> FakeIssuerServer:
    return FakeIssuerServer(issuer.jwks())


@pytest.fixture
def jwks(server: FakeIssuerServer, clock: FakeClock) -> HttpJwks:
    client = httpx.Client(transport=httpx.MockTransport(server.handle))
    return HttpJwks(JWKS_URL, client, clock=clock, ttl_seconds=600, refetch_interval_seconds=30)


def test_static_jwks_ignores_non_rsa_and_encryption_keys(issuer: LocalIssuer) -> None:
    # Given a JWKS with an HMAC key and an RSA encryption key next to the signing key
    document = issuer.jwks()
    document["keys"] += [
        {"kty": "oct", "kid": "hmac", "k": "c2VjcmV0"},
        {**document["keys"][0], "kid": "enc", "use": "enc"},
    ]
    jwks = StaticJwks(document)

    # Then only the RSA signing key is usable
    assert jwks.key(issuer.kid).key_id == issuer.kid
    for kid in ("hmac", "enc"):
        with pytest.raises(AuthError):
            jwks.key(kid)


def test_http_jwks_fetches_once_within_ttl(
    jwks: HttpJwks, server: FakeIssuerServer, issuer: LocalIssuer
) -> None:
    jwks.key(issuer.kid)
    jwks.key(issuer.kid)

    assert server.fetches == 1


def test_http_jwks_refetches_after_ttl(
    jwks: HttpJwks, server: FakeIssuerServer, issuer: LocalIssuer, clock: FakeClock
) -> None:
    jwks.key(issuer.kid)
    clock.advance(601)
    jwks.key(issuer.kid)

    assert server.fetches == 2


def test_http_jwks_refetches_for_an_unknown_kid_at_most_once_per_interval(
    jwks: HttpJwks, server: FakeIssuerServer, issuer: LocalIssuer, clock: FakeClock
) -> None:
    # Given a cached JWKS
    jwks.key(issuer.kid)

    # When unknown key ids arrive right away, no refetch happens
    with pytest.raises(AuthError):
        jwks.key("rotated")
    assert server.fetches == 1

    # Then after the interval one unknown kid triggers one refetch
    clock.advance(31)
    with pytest.raises(AuthError):
        jwks.key("rotated")
    assert server.fetches == 2


def test_http_jwks_finds_a_rotated_key_after_the_interval(
    jwks: HttpJwks, server: FakeIssuerServer, issuer: LocalIssuer, clock: FakeClock
) -> None:
    # Given a cached JWKS and then a key rotation at the issuer
    jwks.key(issuer.kid)
    rotated = {**server.document["keys"][0], "kid": "next"}
    server.document = {"keys": [rotated]}

    # When the new kid is asked for after the refetch interval
    clock.advance(31)

    # Then it is found
    assert jwks.key("next").key_id == "next"


def test_http_jwks_unreachable_is_unavailable_not_unauthenticated(
    jwks: HttpJwks, server: FakeIssuerServer, issuer: LocalIssuer
) -> None:
    server.fail = True

    with pytest.raises(AuthUnavailableError):
        jwks.key(issuer.kid)
