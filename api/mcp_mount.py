"""The platform's MCP server mounted in the API at `/mcp` (streamable HTTP, stateless JSON).

It takes the API's bearer tokens: the token is verified by the API's verifier, then the caller's stored
membership decides the role (as on every other route), so a member whose role was lowered or who was
removed gets exactly that on MCP too. The tools see only the token's workspace. CRM tools are offered
when the embedder put DECA data on `app.state.deca_data`; published flows run in-process on the local
runtime, with the workspace's node context.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from fastapi import FastAPI

from api.deps import ApiServices
from api.node_context import workspace_context
from deca.auth import AuthError
from deca.errors import NotFoundError

if TYPE_CHECKING:
    from starlette.types import Receive, Scope, Send

    from deca.auth import TokenClaims
    from deca.mcp.platform import CrmRepository, PlatformTools

__all__ = ["MCP_PATH", "MemberVerifier", "mount_platform_mcp"]

MCP_PATH = "/mcp"
"""Where the MCP server is mounted; clients connect to `<api>/mcp/`."""


@dataclass(frozen=True)
class MemberVerifier:
    """Verifies a bearer token, then gives it the caller's stored role (non-members are refused)."""

    services: ApiServices

    def verify(self, token: str) -> TokenClaims:
        """The token's claims with `roles` set to the stored membership's role; `AuthError` otherwise."""
        claims = self.services.verifier.verify(token)
        try:
            member = self.services.stores.workspaces.get_member(claims.workspace_id, claims.subject)
        except NotFoundError:
            raise AuthError("not a member of this workspace") from None
        return replace(claims, roles=(member.role,))


@dataclass(frozen=True)
class _WorkspaceFlows:
    """Runs a published flow in-process with a node context of the flow's workspace."""

    services: ApiServices

    def run_flow(self, workspace_id: str, flow_id: str, flow_input: dict[str, Any]) -> Any:
        from deca.ai.flows import LocalFlowRunner

        context = workspace_context(self.services, workspace_id)
        return LocalFlowRunner(context).run_flow(workspace_id, flow_id, flow_input)


class _McpPerRequest:
    """The MCP app with a session manager run per request (stateless JSON keeps no state between requests),
    so it needs no lifespan: it works on Lambda (Mangum runs without one) and in any number of test clients."""

    def __init__(self, tools: PlatformTools, verifier: MemberVerifier) -> None:
        self.tools = tools
        self.verifier = verifier

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        from deca.mcp.server import McpHttpApp

        if scope["type"] != "http":
            return
        mcp_app = McpHttpApp(self.tools, self.verifier)
        async with mcp_app.lifespan():
            await mcp_app(scope, receive, send)


def mount_platform_mcp(app: FastAPI, services: ApiServices) -> None:
    """Mount the MCP server at `MCP_PATH` (clients use `MCP_PATH/`)."""
    from deca.mcp.platform import PlatformTools

    def crm_for(workspace_id: str) -> CrmRepository | None:
        data = getattr(app.state, "deca_data", None)
        return None if data is None else data.crm

    tools = PlatformTools(stores=services.stores, flows=_WorkspaceFlows(services), crm_for=crm_for)
    app.mount(MCP_PATH, _McpPerRequest(tools, MemberVerifier(services)))
