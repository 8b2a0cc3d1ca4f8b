"""Bearer token verification: RS256 JWTs checked against a JWKS, issuer, audience and the clock."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Final

import jwt

from deca.auth.errors import AuthError
from deca.auth.jwks import JwksProvider
from deca.clock import Clock, SystemClock

__all__ = [
    "ALGORITHM",
    "ROLES_CLAIM",
    "WORKSPACE_CLAIM",
    "TokenClaims",
    "TokenVerifier",
]

ALGORITHM: Final = "RS256"
"""The only signature algorithm accepted: `none` and HMAC (key confusion) are always refused."""
CLAIM_NAMESPACE: Final = "https://deca-ai-studio.com/"
WORKSPACE_CLAIM: Final = CLAIM_NAMESPACE + "workspace_id"
ROLES_CLAIM: Final = CLAIM_NAMESPACE + "roles"
_REQUIRED: Final = ["exp", "iat", "sub", "iss", "aud"]


@dataclass(frozen=True)
class TokenClaims:
    """What a verified token says about its bearer."""

    subject: str
    workspace_id: str
    roles: tuple[str, ...]
    scopes: frozenset[str]
    issued_at: datetime
    expires_at: datetime


def _timestamp(payload: dict[str, Any], name: str) -> datetime:
    value = payload.get(name)
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise AuthError(f"token claim '{name}' is not a number")
    return datetime.fromtimestamp(value, UTC)


def _roles(payload: dict[str, Any]) -> tuple[str, ...]:
    value = payload.get(ROLES_CLAIM, [])
    if not isinstance(value, list) or not all(isinstance(role, str) for role in value):
        raise AuthError(f"token claim '{ROLES_CLAIM}' is not a list of strings")
    return tuple(value)


def _scopes(payload: dict[str, Any]) -> frozenset[str]:
    value = payload.get("scope", "")
    if not isinstance(value, str):
        raise AuthError("token claim 'scope' is not a string")
    return frozenset(value.split())


class TokenVerifier:
    """Verifies bearer tokens of one issuer and audience; time comes from the injected clock."""

    def __init__(
        self,
        jwks: JwksProvider,
        *,
        issuer: str,
        audience: str,
        clock: Clock | None = None,
        leeway_seconds: int = 30,
    ) -> None:
        self._jwks = jwks
        self._issuer = issuer
        self._audience = audience
        self._clock = clock or SystemClock()
        self._leeway = timedelta(seconds=leeway_seconds)

    def verify(self, token: str) -> TokenClaims:
        """The claims of a valid token; `AuthError` naming the first problem otherwise."""
        try:
            header = jwt.get_unverified_header(token)
        except jwt.PyJWTError as exc:
            raise AuthError("malformed token") from exc
        if header.get("alg") != ALGORITHM:
            raise AuthError(f"token algorithm must be {ALGORITHM}")
        kid = header.get("kid")
        if kid is not None and not isinstance(kid, str):
            raise AuthError("token key id is not a string")
        key = self._jwks.key(kid)
        try:
            payload: dict[str, Any] = jwt.decode(
                token,
                key.key,
                algorithms=[ALGORITHM],
                audience=self._audience,
                issuer=self._issuer,
                # Time claims are checked below against the injected clock, not PyJWT's time.time().
                options={"verify_exp": False, "verify_nbf": False, "verify_iat": False, "require": _REQUIRED},
            )
        except jwt.InvalidAudienceError as exc:
            raise AuthError("token audience is not accepted") from exc
        except jwt.InvalidIssuerError as exc:
            raise AuthError("token issuer is not trusted") from exc
        except jwt.InvalidSignatureError as exc:
            raise AuthError("token signature is invalid") from exc
        except jwt.PyJWTError as exc:
            raise AuthError(f"invalid token: {exc}") from exc
        return self._claims(payload)

    def _claims(self, payload: dict[str, Any]) -> TokenClaims:
        now = self._clock.now()
        expires_at = _timestamp(payload, "exp")
        issued_at = _timestamp(payload, "iat")
        if now >= expires_at + self._leeway:
            raise AuthError("token has expired")
        if issued_at > now + self._leeway:
            raise AuthError("token is issued in the future")
        if "nbf" in payload and _timestamp(payload, "nbf") > now + self._leeway:
            raise AuthError("token is not valid yet")
        subject = payload["sub"]
        workspace_id = payload.get(WORKSPACE_CLAIM)
        if not isinstance(subject, str) or not subject:
            raise AuthError("token subject is missing")
        if not isinstance(workspace_id, str) or not workspace_id:
            raise AuthError(f"token claim '{WORKSPACE_CLAIM}' is missing")
        return TokenClaims(
            subject=subject,
            workspace_id=workspace_id,
            roles=_roles(payload),
            scopes=_scopes(payload),
            issued_at=issued_at,
            expires_at=expires_at,
        )
