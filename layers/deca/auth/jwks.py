"""Where verification keys come from: a JWKS given once, or fetched over HTTPS and cached."""

from __future__ import annotations

import threading
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any, Protocol

import httpx
import jwt

from deca.auth.errors import AuthError, AuthUnavailableError
from deca.clock import Clock, SystemClock

__all__ = ["HttpJwks", "JwksProvider", "StaticJwks", "parse_jwks"]


class JwksProvider(Protocol):
    """Finds the public key that verifies a token signed with key id `kid`."""

    def key(self, kid: str | None) -> jwt.PyJWK:
        """The RS256 verification key `kid`; `AuthError` if the issuer has no such key."""
        ...


def parse_jwks(document: Mapping[str, Any]) -> dict[str | None, jwt.PyJWK]:
    """The RSA signing keys of a JWKS document by key id (other key types and uses are skipped)."""
    keys: dict[str | None, jwt.PyJWK] = {}
    for entry in document.get("keys", []):
        if not isinstance(entry, Mapping) or entry.get("kty") != "RSA":
            continue
        if entry.get("use", "sig") != "sig" or entry.get("alg", "RS256") != "RS256":
            continue
        try:
            keys[entry.get("kid")] = jwt.PyJWK(dict(entry), algorithm="RS256")
        except jwt.PyJWTError:
            continue
    return keys


def _pick(keys: Mapping[str | None, jwt.PyJWK], kid: str | None) -> jwt.PyJWK | None:
    if kid in keys:
        return keys[kid]
    if kid is None and len(keys) == 1:  # a token without kid is accepted only when there is no choice
        return next(iter(keys.values()))
    return None


class StaticJwks:
    """A fixed JWKS (the local issuer's key, or a test's)."""

    def __init__(self, document: Mapping[str, Any]) -> None:
        self._keys = parse_jwks(document)

    def key(self, kid: str | None) -> jwt.PyJWK:
        """The key `kid`; `AuthError` if unknown."""
        found = _pick(self._keys, kid)
        if found is None:
            raise AuthError("token signed with an unknown key")
        return found


class HttpJwks:
    """A JWKS fetched from the issuer's URL, cached for `ttl_seconds`, refetched early for a new `kid`.

    A refetch for an unknown key happens at most once per `refetch_interval_seconds`, so tokens with
    made-up key ids cannot make the API hammer the issuer.
    """

    def __init__(
        self,
        url: str,
        client: httpx.Client,
        *,
        clock: Clock | None = None,
        ttl_seconds: float = 600,
        refetch_interval_seconds: float = 30,
    ) -> None:
        self._url = url
        self._client = client
        self._clock = clock or SystemClock()
        self._ttl = timedelta(seconds=ttl_seconds)
        self._refetch = timedelta(seconds=refetch_interval_seconds)
        self._keys: dict[str | None, jwt.PyJWK] = {}
        self._fetched_at: datetime | None = None
        self._lock = threading.Lock()

    def _fetch(self, now: datetime) -> None:
        try:
            response = self._client.get(self._url, timeout=5.0)
            response.raise_for_status()
            document = response.json()
        except (httpx.HTTPError, ValueError) as exc:
            raise AuthUnavailableError(f"cannot fetch the issuer's JWKS: {exc}") from exc
        if not isinstance(document, Mapping):
            raise AuthUnavailableError("the issuer's JWKS is not a JSON object")
        self._keys = parse_jwks(document)
        self._fetched_at = now

    def key(self, kid: str | None) -> jwt.PyJWK:
        """The key `kid`, fetching the JWKS when stale or when `kid` is new; `AuthError` if unknown."""
        with self._lock:
            now = self._clock.now()
            if self._fetched_at is None or now - self._fetched_at >= self._ttl:
                self._fetch(now)
            found = _pick(self._keys, kid)
            if found is None and self._fetched_at is not None and now - self._fetched_at >= self._refetch:
                self._fetch(now)
                found = _pick(self._keys, kid)
            if found is None:
                raise AuthError("token signed with an unknown key")
            return found
