"""Token verification: RS256 only, trusted keys, issuer, audience and time claims (deca.auth)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from deca.auth import AuthError, LocalIssuer, StaticJwks, TokenVerifier
from tests.api.conftest import AUDIENCE, ISSUER
from tests.api.tokens import claims, hs256_with_public_key, rs256, unsigned
from tests.fakes.clock import FakeClock


@pytest.fixture
def verifier(issuer: LocalIssuer, clock: FakeClock) -> TokenVerifier:
    return TokenVerifier(
        StaticJwks(issuer.jwks()), issuer=ISSUER, audience=AUDIENCE, clock=clock, leeway_seconds=30
    )


def test_valid_token_gives_subject_workspace_roles_and_scopes(
    verifier: TokenVerifier, issuer: LocalIssuer
) -> None:
    # Given a token with a scope
    token = issuer.mint(
        subject="u1", workspace_id="ws-x", roles=["developer", "viewer"], scope="read:flows openid"
    )

    # When it is verified
    verified = verifier.verify(token)

    # Then the claims are the architecture document's
    assert (verified.subject, verified.workspace_id, verified.roles) == (
        "u1",
        "ws-x",
        ("developer", "viewer"),
    )
    assert verified.scopes == frozenset({"read:flows", "openid"})


BadToken = Callable[[LocalIssuer, rsa.RSAPrivateKey, rsa.RSAPrivateKey], str]

BAD_TOKENS: dict[str, tuple[BadToken, str]] = {
    "garbage": (lambda i, k, f: "not-a-jwt", "malformed"),
    "alg none": (lambda i, k, f: unsigned(claims(i), i.kid), "algorithm"),
    "hs256 key confusion": (lambda i, k, f: hs256_with_public_key(claims(i), k, i.kid), "algorithm"),
    "signed by another key with the trusted kid": (lambda i, k, f: rs256(claims(i), f, i.kid), "signature"),
    "unknown kid": (lambda i, k, f: rs256(claims(i), f, "someone-else"), "unknown key"),
    "wrong audience": (lambda i, k, f: rs256(claims(i, aud=["https://other.test"]), k, i.kid), "audience"),
    "wrong issuer": (lambda i, k, f: rs256(claims(i, iss="https://evil.test/"), k, i.kid), "issuer"),
    "no exp": (lambda i, k, f: rs256(claims(i, exp=None), k, i.kid), "exp"),
    "no workspace": (
        lambda i, k, f: rs256(claims(i, **{"https://deca-ai-studio.com/workspace_id": None}), k, i.kid),
        "workspace_id",
    ),
    "roles not a list": (
        lambda i, k, f: rs256(claims(i, **{"https://deca-ai-studio.com/roles": "owner"}), k, i.kid),
        "roles",
    ),
    "issued in the future": (
        lambda i, k, f: rs256(claims(i, iat=int(i.clock.now().timestamp()) + 600), k, i.kid),
        "future",
    ),
}


@pytest.mark.parametrize("case", list(BAD_TOKENS), ids=list(BAD_TOKENS))
def test_bad_token_is_refused_with_its_reason(
    case: str,
    verifier: TokenVerifier,
    issuer: LocalIssuer,
    signing_key: rsa.RSAPrivateKey,
    foreign_key: rsa.RSAPrivateKey,
) -> None:
    make, reason = BAD_TOKENS[case]
    with pytest.raises(AuthError, match=reason):
        verifier.verify(make(issuer, signing_key, foreign_key))


def test_token_expires_after_exp_plus_leeway(
    verifier: TokenVerifier, issuer: LocalIssuer, clock: FakeClock
) -> None:
    # Given a token valid for a minute
    token = issuer.mint(subject="u", workspace_id="w", roles=["owner"], ttl_seconds=60)

    # When the clock passes exp but stays within the leeway, it is still accepted
    clock.advance(60 + 29)
    verifier.verify(token)

    # Then once past the leeway it is refused
    clock.advance(2)
    with pytest.raises(AuthError, match="expired"):
        verifier.verify(token)


def test_token_not_valid_before_nbf(verifier: TokenVerifier, issuer: LocalIssuer, clock: FakeClock) -> None:
    # Given a token usable only in an hour
    token = issuer.mint(subject="u", workspace_id="w", roles=["owner"], not_before_seconds=3600)

    # Then it is refused now and accepted once the time has come
    with pytest.raises(AuthError, match="not valid yet"):
        verifier.verify(token)
    clock.advance(3600)
    assert verifier.verify(token).subject == "u"


def test_token_without_kid_is_accepted_when_the_jwks_has_one_key(
    verifier: TokenVerifier, issuer: LocalIssuer, signing_key: rsa.RSAPrivateKey
) -> None:
    token = rs256(claims(issuer), signing_key, kid=None)

    assert verifier.verify(token).subject == "owner-user"
