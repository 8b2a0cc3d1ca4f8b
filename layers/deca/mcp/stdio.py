"""`python -m deca.mcp --token <bearer>`: the platform's MCP server on stdio, for a desktop agent.

The token (or `DECA_MCP_TOKEN`) is verified like the API's (the JWKS URL of the settings, else the
local issuer's key) and fixes the workspace and permissions for the whole session. Stores, CRM and
flows come from the same wiring as the Lambdas and the local server.
"""

from __future__ import annotations

import argparse
import os
from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from deca.auth.jwks import JwksProvider
    from deca.mcp.platform import PlatformTools
    from deca.settings import Settings

__all__ = ["TOKEN_VARIABLE", "main", "platform_tools"]

TOKEN_VARIABLE = "DECA_MCP_TOKEN"


def _jwks(settings: Settings) -> JwksProvider:
    import httpx

    from deca.auth import HttpJwks, LocalIssuer, StaticJwks
    from deca.clock import SystemClock

    if settings.auth_jwks_url:
        return HttpJwks(
            settings.auth_jwks_url,
            httpx.Client(),
            clock=SystemClock(),
            ttl_seconds=settings.jwks_cache_seconds,
        )
    return StaticJwks(LocalIssuer.from_settings(settings).jwks())


def platform_tools(workspace_id: str) -> PlatformTools:
    """The tools over the wiring's stores, CRM and an in-process flow runner for the workspace."""
    from deca import wiring
    from deca.ai.flows import LocalFlowRunner
    from deca.clock import SystemClock
    from deca.mcp.platform import PlatformTools
    from deca.nodes.context import NodeContext

    stores = wiring.stores()
    ctx = NodeContext(
        workspace_id=workspace_id,
        stores=stores,
        clock=SystemClock(),
        secrets=wiring.secrets(),
        http_client=wiring.outbound_http,
        services={"deca_data": wiring.deca_data()},
    )
    return PlatformTools(stores=stores, flows=LocalFlowRunner(ctx), crm=wiring.deca_data().crm)


def main(argv: Sequence[str] | None = None) -> int:
    """Verify the token, then serve until the client closes stdin."""
    from deca import wiring
    from deca.auth import AuthError, TokenVerifier
    from deca.mcp.server import principal_of, run_stdio

    parser = argparse.ArgumentParser(prog="python -m deca.mcp", description=__doc__)
    parser.add_argument(
        "--token", default=os.environ.get(TOKEN_VARIABLE), help=f"bearer token (or ${TOKEN_VARIABLE})"
    )
    args = parser.parse_args(argv)
    if not args.token:
        parser.error(f"a bearer token is required (--token or ${TOKEN_VARIABLE})")
    settings = wiring.settings()
    verifier = TokenVerifier(
        _jwks(settings),
        issuer=settings.auth_issuer,
        audience=settings.auth_audience,
        leeway_seconds=settings.auth_leeway_seconds,
    )
    try:
        principal = principal_of(verifier.verify(args.token))
    except AuthError as exc:
        parser.exit(2, f"invalid token: {exc.message}\n")
    run_stdio(platform_tools(principal.workspace_id), principal)
    return 0
