"""Hand-made tokens for the negative cases (what a legitimate issuer never signs)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from typing import Any

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from deca.auth import ROLES_CLAIM, WORKSPACE_CLAIM, LocalIssuer


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def claims(issuer: LocalIssuer, **changes: Any) -> dict[str, Any]:
    """Valid claims of the owner of ws-a at the issuer's current time; `None` values remove a claim."""
    now = int(issuer.clock.now().timestamp())
    base: dict[str, Any] = {
        "sub": "owner-user",
        "iss": issuer.issuer,
        "aud": [issuer.audience],
        "iat": now,
        "exp": now + 3600,
        WORKSPACE_CLAIM: "ws-a",
        ROLES_CLAIM: ["owner"],
    }
    base.update(changes)
    return {key: value for key, value in base.items() if value is not None}


def rs256(payload: dict[str, Any], key: rsa.RSAPrivateKey, kid: str | None) -> str:
    """A token signed with `key`, claiming key id `kid`."""
    headers = {"kid": kid} if kid is not None else {}
    return jwt.encode(payload, key, algorithm="RS256", headers=headers)


def unsigned(payload: dict[str, Any], kid: str) -> str:
    """An `alg: none` token."""
    header = _b64(json.dumps({"alg": "none", "typ": "JWT", "kid": kid}).encode())
    return f"{header}.{_b64(json.dumps(payload).encode())}."


def hs256_with_public_key(payload: dict[str, Any], key: rsa.RSAPrivateKey, kid: str) -> str:
    """The key-confusion attack: HMAC-signed with the issuer's *public* key as the secret."""
    secret = key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    header = _b64(json.dumps({"alg": "HS256", "typ": "JWT", "kid": kid}).encode())
    body = _b64(json.dumps(payload).encode())
    signature = hmac.new(secret, f"{header}.{body}".encode(), hashlib.sha256).digest()
    return f"{header}.{body}.{_b64(signature)}"
