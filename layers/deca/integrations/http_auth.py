"""Authentication of the generic HTTP node: headers or query parameters built from a stored credential.

Credential fields by auth type: bearer `token` (or `access_token`); basic `username` and `password`;
api_key `api_key` (or `key`); oauth2 `access_token`, or `refresh_token` + `client_id` + `client_secret`
+ `token_url` to fetch a fresh one (refresh-token grant, RFC 6749 §6).
"""

from __future__ import annotations

import base64
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import httpx

from deca.integrations.context import credential, require_field
from deca.integrations.errors import IntegrationAuthError

if TYPE_CHECKING:
    from deca.nodes.context import NodeContext
    from deca.nodes.http_request import HttpAuth

__all__ = ["AuthParts", "auth_parts", "refresh_access_token"]


@dataclass(frozen=True)
class AuthParts:
    """What the auth adds to a request."""

    headers: dict[str, str] = field(default_factory=dict)
    params: dict[str, str] = field(default_factory=dict)


def refresh_access_token(
    client: httpx.Client, fields: Mapping[str, str], *, service: str, credential_id: str, token_url: str
) -> str:
    """A fresh access token from an OAuth 2 token endpoint (refresh-token grant)."""
    form = {
        "grant_type": "refresh_token",
        "refresh_token": require_field(
            fields, ("refresh_token",), service=service, credential_id=credential_id
        ),
        "client_id": require_field(fields, ("client_id",), service=service, credential_id=credential_id),
        "client_secret": require_field(
            fields, ("client_secret",), service=service, credential_id=credential_id
        ),
    }
    response = client.post(token_url, data=form)
    if response.status_code != 200:
        raise IntegrationAuthError(
            f"{service}: refreshing the token of credential '{credential_id}' failed ({response.status_code})",
            service=service,
            status=response.status_code,
        )
    token = response.json().get("access_token")
    if not isinstance(token, str) or not token:
        raise IntegrationAuthError(f"{service}: the token endpoint gave no access_token", service=service)
    return token


def auth_parts(ctx: NodeContext, auth: HttpAuth | None, client: httpx.Client) -> AuthParts:
    """Headers/params for `auth` (nothing when None); secrets come from the credential only."""
    if auth is None:
        return AuthParts()
    fields = credential(ctx, auth.credential_id)
    cid = auth.credential_id

    def need(*names: str) -> str:
        return require_field(fields, names, service="http_request", credential_id=cid)

    if auth.type == "bearer":
        return AuthParts(headers={"Authorization": f"Bearer {need('token', 'access_token')}"})
    if auth.type == "basic":
        pair = f"{need('username')}:{need('password')}".encode()
        return AuthParts(headers={"Authorization": "Basic " + base64.b64encode(pair).decode("ascii")})
    if auth.type == "api_key":
        assert auth.name is not None  # the model requires it for api_key
        key = need("api_key", "key")
        return (
            AuthParts(params={auth.name: key})
            if auth.location == "query"
            else AuthParts(headers={auth.name: key})
        )
    token = fields.get("access_token")
    if not token:
        token = refresh_access_token(
            client, fields, service="http_request", credential_id=cid, token_url=need("token_url")
        )
    return AuthParts(headers={"Authorization": f"Bearer {token}"})
