"""Signed links: an HMAC-SHA256 token naming a request, an action and an expiry, checked in constant time.

A link is `<payload>.<signature>`, both base64url: the payload is compact JSON
`{"w": workspace, "r": request id, "a": action, "e": expiry (epoch seconds), "n": nonce, "u": recipient}`.
Links are single use: the service records each used link's nonce on the request.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import os
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from deca.hitl.errors import LinkExpired, LinkInvalid

if TYPE_CHECKING:
    from deca.clock import Clock
    from deca.settings import Settings

__all__ = ["LinkAction", "LinkClaims", "LinkSigner", "link_key_file", "load_or_create_link_key"]

LinkAction = Literal["approve", "reject", "submit"]
_ACTIONS: frozenset[str] = frozenset({"approve", "reject", "submit"})
_KEY_BYTES = 32


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode("ascii").rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@dataclass(frozen=True)
class LinkClaims:
    """What a valid link says."""

    workspace_id: str
    request_id: str
    action: LinkAction
    expires_at: datetime
    nonce: str
    recipient: str | None


class LinkSigner:
    """Signs and verifies links with one secret key; time comes from the injected clock."""

    def __init__(self, key: bytes, clock: Clock) -> None:
        if len(key) < 16:
            raise ValueError("the link signing key must have at least 16 bytes")
        self._key = key
        self._clock = clock

    def _signature(self, payload: str) -> str:
        return _b64(hmac.new(self._key, payload.encode("ascii"), hashlib.sha256).digest())

    def sign(
        self,
        workspace_id: str,
        request_id: str,
        action: LinkAction,
        *,
        ttl_seconds: int,
        recipient: str | None = None,
    ) -> str:
        """A link token for one action on one request, valid for `ttl_seconds`."""
        expires = int((self._clock.now() + timedelta(seconds=ttl_seconds)).timestamp())
        body = {"w": workspace_id, "r": request_id, "a": action, "e": expires, "n": secrets.token_urlsafe(12)}
        if recipient is not None:
            body["u"] = recipient
        payload = _b64(json.dumps(body, separators=(",", ":"), sort_keys=True).encode())
        return f"{payload}.{self._signature(payload)}"

    def verify(self, token: str, action: LinkAction | None = None) -> LinkClaims:
        """The claims of a genuine, unexpired link (for `action` when given); `LinkInvalid`/`LinkExpired`."""
        payload, _, signature = token.partition(".")
        if not payload or not signature:
            raise LinkInvalid("malformed link")
        if not hmac.compare_digest(self._signature(payload).encode(), signature.encode()):
            raise LinkInvalid("link signature is invalid")
        try:
            body = json.loads(_unb64(payload))
        except (binascii.Error, ValueError, UnicodeDecodeError) as exc:
            raise LinkInvalid("malformed link") from exc
        claims = self._claims(body)
        if action is not None and claims.action != action:
            raise LinkInvalid(f"this link is for {claims.action!r}, not {action!r}")
        if self._clock.now() >= claims.expires_at:
            raise LinkExpired("link has expired")
        return claims

    @staticmethod
    def _claims(body: object) -> LinkClaims:
        if not isinstance(body, dict):
            raise LinkInvalid("malformed link")
        workspace, request, action, expires, nonce = (body.get(k) for k in ("w", "r", "a", "e", "n"))
        recipient = body.get("u")
        if not (
            isinstance(workspace, str)
            and isinstance(request, str)
            and action in _ACTIONS
            and isinstance(expires, int)
            and isinstance(nonce, str)
            and (recipient is None or isinstance(recipient, str))
        ):
            raise LinkInvalid("malformed link")
        return LinkClaims(
            workspace_id=workspace,
            request_id=request,
            action=action,
            expires_at=datetime.fromtimestamp(expires, UTC),
            nonce=nonce,
            recipient=recipient,
        )


def link_key_file(settings: Settings) -> Path:
    """Where the local link signing key lives (beside the local JWT key)."""
    return settings.data_dir / "keys" / "hitl-links.key"


def load_or_create_link_key(path: Path) -> bytes:
    """The key in `path`, created (random, owner-only) on first use."""
    if path.exists():
        return path.read_bytes()
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_bytes(_KEY_BYTES)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(key)
    return key
