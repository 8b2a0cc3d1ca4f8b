"""The local issuer: an RSA key generated once under the data directory signs the local owner's tokens."""

from __future__ import annotations

import base64
import hashlib
import json
import os
from collections.abc import Sequence
from datetime import timedelta
from pathlib import Path
from typing import Any

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

from deca.auth.tokens import ALGORITHM, ROLES_CLAIM, WORKSPACE_CLAIM
from deca.clock import Clock, SystemClock
from deca.settings import LOCAL_ISSUER, Settings

__all__ = ["LocalIssuer", "load_or_create_private_key", "mint_local_token"]


def load_or_create_private_key(path: Path) -> rsa.RSAPrivateKey:
    """The RSA key in `path` (PEM), generated with mode 0600 if the file does not exist yet."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        pem = key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
        try:  # O_EXCL: when two processes race, the first file wins and both use it
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass
        else:
            with os.fdopen(fd, "wb") as handle:
                handle.write(pem)
    loaded = serialization.load_pem_private_key(path.read_bytes(), password=None)
    if not isinstance(loaded, rsa.RSAPrivateKey):
        raise ValueError(f"{path.name} does not hold an RSA private key")
    return loaded


def _thumbprint(jwk: dict[str, Any]) -> str:
    """RFC 7638 thumbprint of an RSA JWK: a stable key id."""
    canonical = json.dumps({k: jwk[k] for k in ("e", "kty", "n")}, separators=(",", ":"), sort_keys=True)
    digest = hashlib.sha256(canonical.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


class LocalIssuer:
    """Signs RS256 tokens with one private key and publishes the matching JWKS."""

    def __init__(
        self,
        private_key: rsa.RSAPrivateKey,
        *,
        issuer: str = LOCAL_ISSUER,
        audience: str,
        clock: Clock | None = None,
    ) -> None:
        self._key = private_key
        self.issuer = issuer
        self.audience = audience
        self.clock = clock or SystemClock()
        self._jwk: dict[str, Any] = RSAAlgorithm.to_jwk(private_key.public_key(), as_dict=True)
        self.kid = _thumbprint(self._jwk)

    @classmethod
    def from_settings(cls, settings: Settings, *, clock: Clock | None = None) -> LocalIssuer:
        """The issuer of the local data directory (its key is created on first use)."""
        key = load_or_create_private_key(settings.local_key_file)
        return cls(key, issuer=settings.auth_issuer, audience=settings.auth_audience, clock=clock)

    def jwks(self) -> dict[str, Any]:
        """The public JWKS verifying this issuer's tokens."""
        return {"keys": [{**self._jwk, "kid": self.kid, "use": "sig", "alg": ALGORITHM}]}

    def mint(
        self,
        *,
        subject: str,
        workspace_id: str,
        roles: Sequence[str],
        ttl_seconds: int = 3600,
        scope: str | None = None,
        not_before_seconds: int | None = None,
        extra_claims: dict[str, Any] | None = None,
    ) -> str:
        """A signed token for `subject` in `workspace_id` with `roles`, valid for `ttl_seconds`."""
        now = self.clock.now()
        claims: dict[str, Any] = {
            "sub": subject,
            "iss": self.issuer,
            "aud": [self.audience],
            "iat": int(now.timestamp()),
            "exp": int((now + timedelta(seconds=ttl_seconds)).timestamp()),
            WORKSPACE_CLAIM: workspace_id,
            ROLES_CLAIM: list(roles),
        }
        if scope is not None:
            claims["scope"] = scope
        if not_before_seconds is not None:
            claims["nbf"] = int((now + timedelta(seconds=not_before_seconds)).timestamp())
        claims.update(extra_claims or {})
        return jwt.encode(claims, self._key, algorithm=ALGORITHM, headers={"kid": self.kid})


def mint_local_token(
    settings: Settings,
    *,
    user_id: str | None = None,
    workspace_id: str | None = None,
    roles: Sequence[str] = ("owner",),
    ttl_seconds: int | None = None,
    clock: Clock | None = None,
) -> str:
    """A token for the local owner (what `deca token` prints), signed with the local data dir's key."""
    issuer = LocalIssuer.from_settings(settings, clock=clock)
    return issuer.mint(
        subject=user_id or settings.local_user_id,
        workspace_id=workspace_id or settings.local_workspace_id,
        roles=roles,
        ttl_seconds=ttl_seconds or settings.local_token_ttl_seconds,
    )
