"""What integrations take from the node context: the guarded HTTP client, base URLs, credentials, a sleeper.

Base URLs of every service can be overridden through `ctx.services["base_urls"]` (a mapping of service
key -> URL, e.g. `{"slack": "http://127.0.0.1:8123/api"}`), which is how tests aim the nodes at loopback
fakes and how self-hosted or regional endpoints are configured; the SSRF guard still checks them.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from deca.integrations.errors import IntegrationAuthError

if TYPE_CHECKING:
    import httpx

    from deca.nodes.context import NodeContext

__all__ = ["base_url", "credential", "http_client", "require_field", "sleeper"]


def http_client(ctx: NodeContext) -> httpx.Client:
    """The context's HTTP client, or a client behind the SSRF guard with no allow-list when none is wired."""
    if ctx.http_client is not None:
        return ctx.http()
    from deca.net import OutboundPolicy, guarded_client

    return guarded_client(OutboundPolicy())


def base_url(ctx: NodeContext, service: str, default: str) -> str:
    """The base URL of a service: an override from `ctx.services["base_urls"]`, else the public default."""
    overrides: Mapping[str, str] = ctx.services.get("base_urls", {})
    return overrides.get(service, default).rstrip("/")


def sleeper(ctx: NodeContext) -> Callable[[float], None]:
    """How integrations wait between retries (`ctx.services["sleep"]`; tests record instead of sleeping)."""
    sleep: Callable[[float], None] = ctx.services.get("sleep", time.sleep)
    return sleep


def credential(ctx: NodeContext, credential_id: str) -> Mapping[str, str]:
    """The fields of a credential of the node's workspace (CredentialNotFound when it does not exist)."""
    return ctx.secrets.resolve(ctx.workspace_id, credential_id)


def require_field(
    fields: Mapping[str, Any], names: tuple[str, ...], *, service: str, credential_id: str
) -> str:
    """The first of `names` present in the credential, or IntegrationAuthError naming the missing field."""
    for name in names:
        value = fields.get(name)
        if isinstance(value, str) and value:
            return value
    wanted = " or ".join(f"'{n}'" for n in names)
    raise IntegrationAuthError(
        f"credential '{credential_id}' has no {wanted} field (needed by {service})", service=service
    )
