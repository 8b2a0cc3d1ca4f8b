"""Webhook request signatures: the Standard Webhooks scheme and GitHub's `X-Hub-Signature-256`.

Standard Webhooks (https://www.standardwebhooks.com): the sender signs `{webhook-id}.{webhook-timestamp}.{body}`
with HMAC-SHA256 under the base64 secret after `whsec_`, and sends `webhook-signature: v1,<base64>`
(several space-separated signatures during a rotation). A timestamp further than the tolerance
(5 minutes) from now, either way, is rejected. GitHub signs the raw body with HMAC-SHA256 and sends
`X-Hub-Signature-256: sha256=<hex>`. Several secrets may be configured (a rotation): any one that
verifies is accepted. Every comparison is constant-time; no configured secret means rejection.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Literal

from deca.errors import DecaError

__all__ = [
    "DEFAULT_TOLERANCE_SECONDS",
    "SignatureError",
    "SignatureMode",
    "lower_headers",
    "sign_github",
    "sign_standard",
    "split_secrets",
    "verify_github",
    "verify_signature",
    "verify_standard",
]

DEFAULT_TOLERANCE_SECONDS = 300
SignatureMode = Literal["standard", "github"]
_STANDARD_PREFIX = "whsec_"


class SignatureError(DecaError):
    """A webhook request's signature is missing, malformed, wrong or too old (answered with 401)."""

    code = "invalid_signature"

    def __init__(self, message: str, *, reason: str) -> None:
        super().__init__(message)
        self.reason = reason


def lower_headers(headers: Mapping[str, str]) -> dict[str, str]:
    """Header names are case-insensitive: one lower-cased copy."""
    return {name.lower(): value for name, value in headers.items()}


def split_secrets(value: str) -> list[str]:
    """The secrets of a credential value: several (a rotation) are separated by whitespace or commas."""
    return [s for s in value.replace(",", " ").split() if s]


def _standard_key(secret: str) -> bytes:
    if secret.startswith(_STANDARD_PREFIX):
        try:
            return base64.b64decode(secret[len(_STANDARD_PREFIX) :], validate=True)
        except binascii.Error as exc:
            raise SignatureError("the signing secret is not valid base64", reason="bad_secret") from exc
    return secret.encode()


def sign_standard(secret: str, msg_id: str, timestamp: int, body: bytes) -> str:
    """The `webhook-signature` header value (`v1,<base64>`) for a message."""
    content = f"{msg_id}.{timestamp}.".encode() + body
    digest = hmac.new(_standard_key(secret), content, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


def sign_github(secret: str, body: bytes) -> str:
    """The `X-Hub-Signature-256` header value (`sha256=<hex>`) for a body."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def _require_secrets(secrets: Sequence[str]) -> None:
    if not secrets:
        raise SignatureError("no signing secret is configured: rejected", reason="no_secret")


def verify_standard(
    headers: Mapping[str, str],
    body: bytes,
    secrets: Sequence[str],
    *,
    now: datetime,
    tolerance_seconds: int = DEFAULT_TOLERANCE_SECONDS,
) -> str:
    """Verify a Standard Webhooks signature; returns the `webhook-id`.

    Raises:
        SignatureError: missing headers, a timestamp outside the tolerance, or no matching signature.
    """
    _require_secrets(secrets)
    lowered = lower_headers(headers)
    msg_id = lowered.get("webhook-id", "")
    stamp = lowered.get("webhook-timestamp", "")
    signatures = lowered.get("webhook-signature", "")
    if not (msg_id and stamp and signatures):
        raise SignatureError(
            "webhook-id, webhook-timestamp and webhook-signature are required", reason="missing"
        )
    try:
        timestamp = int(stamp)
    except ValueError as exc:
        raise SignatureError("webhook-timestamp is not a Unix time", reason="malformed") from exc
    if abs(now.timestamp() - timestamp) > tolerance_seconds:
        raise SignatureError("webhook-timestamp is outside the tolerance", reason="stale")
    offered = [s.partition(",")[2] for s in signatures.split() if s.startswith("v1,")]
    expected = [sign_standard(secret, msg_id, timestamp, body).partition(",")[2] for secret in secrets]
    if not _any_equal(offered, expected):
        raise SignatureError("no webhook-signature matches", reason="mismatch")
    return msg_id


def verify_github(headers: Mapping[str, str], body: bytes, secrets: Sequence[str]) -> str | None:
    """Verify a GitHub `X-Hub-Signature-256`; returns the `X-GitHub-Delivery` id if sent.

    Raises:
        SignatureError: a missing or malformed header, or no matching signature.
    """
    _require_secrets(secrets)
    lowered = lower_headers(headers)
    offered = lowered.get("x-hub-signature-256", "")
    if not offered.startswith("sha256="):
        raise SignatureError("X-Hub-Signature-256 (sha256=<hex>) is required", reason="missing")
    if not _any_equal([offered], [sign_github(secret, body) for secret in secrets]):
        raise SignatureError("X-Hub-Signature-256 does not match", reason="mismatch")
    return lowered.get("x-github-delivery") or None


def _any_equal(offered: Sequence[str], expected: Sequence[str]) -> bool:
    # Compare every pair, constant-time each, without stopping early on a match.
    found = False
    for candidate in offered:
        for value in expected:
            found |= hmac.compare_digest(candidate.encode(), value.encode())
    return found


def verify_signature(
    mode: SignatureMode,
    headers: Mapping[str, str],
    body: bytes,
    secrets: Sequence[str],
    *,
    now: datetime,
    tolerance_seconds: int = DEFAULT_TOLERANCE_SECONDS,
) -> str | None:
    """Verify in the given mode; returns the message id the sender gave (for idempotency), if any."""
    if mode == "github":
        return verify_github(headers, body, secrets)
    return verify_standard(headers, body, secrets, now=now, tolerance_seconds=tolerance_seconds)
