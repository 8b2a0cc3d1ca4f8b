"""OAuth 2 access tokens for Google APIs from a stored credential.

Credential fields, first match wins: `access_token` (used as is); `refresh_token` + `client_id` +
`client_secret` (refresh-token grant); a service account's `client_email` + `private_key` (and
optionally `subject` for domain-wide delegation) signed into a JWT bearer grant (RFC 7523). The token
endpoint is `https://oauth2.googleapis.com/token`, overridable as the `google_oauth` base URL.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

import httpx

from deca.integrations.context import base_url, credential
from deca.integrations.errors import IntegrationAuthError
from deca.integrations.http_auth import refresh_access_token

if TYPE_CHECKING:
    from deca.nodes.context import NodeContext

__all__ = ["DEFAULT_TOKEN_URL", "access_token"]

DEFAULT_TOKEN_URL = "https://oauth2.googleapis.com/token"
_JWT_GRANT = "urn:ietf:params:oauth:grant-type:jwt-bearer"


def _service_account_token(
    client: httpx.Client,
    fields: Mapping[str, str],
    ctx: NodeContext,
    *,
    scope: str,
    token_url: str,
    service: str,
) -> str:
    import jwt

    now = int(ctx.clock.now().timestamp())
    claims = {"iss": fields["client_email"], "scope": scope, "aud": token_url, "iat": now, "exp": now + 3600}
    if fields.get("subject"):
        claims["sub"] = fields["subject"]
    try:
        assertion = jwt.encode(claims, fields["private_key"], algorithm="RS256")
    except (ValueError, TypeError, jwt.PyJWTError) as exc:
        raise IntegrationAuthError(
            f"{service}: the service account's private_key is unusable ({exc})", service=service
        ) from None
    response = client.post(token_url, data={"grant_type": _JWT_GRANT, "assertion": assertion})
    if response.status_code != 200:
        raise IntegrationAuthError(
            f"{service}: Google refused the service account ({response.status_code})",
            service=service,
            status=response.status_code,
        )
    token = response.json().get("access_token")
    if not isinstance(token, str) or not token:
        raise IntegrationAuthError(f"{service}: the token endpoint gave no access_token", service=service)
    return token


def access_token(
    ctx: NodeContext, client: httpx.Client, credential_id: str, *, scope: str, service: str
) -> str:
    """An access token for the credential (as stored, refreshed, or from a service account)."""
    fields = credential(ctx, credential_id)
    token_url = base_url(ctx, "google_oauth", DEFAULT_TOKEN_URL)
    if fields.get("access_token"):
        return fields["access_token"]
    if fields.get("refresh_token"):
        return refresh_access_token(
            client, fields, service=service, credential_id=credential_id, token_url=token_url
        )
    if fields.get("client_email") and fields.get("private_key"):
        return _service_account_token(client, fields, ctx, scope=scope, token_url=token_url, service=service)
    raise IntegrationAuthError(
        f"credential '{credential_id}' has no 'access_token', 'refresh_token' or service account "
        "('client_email' and 'private_key') fields (needed by Google)",
        service=service,
    )
