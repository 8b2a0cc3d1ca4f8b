"""The platform's MCP server: `PlatformTools` over the official SDK's low-level server, on streamable HTTP or stdio.

Streamable HTTP (`McpHttpApp`, an ASGI app a FastAPI app mounts, e.g. at `/mcp`) takes the platform's
bearer tokens: each request is verified before it reaches the MCP session manager, and the tools see
only the token's workspace. Stdio (`run_stdio`) serves one principal fixed at start (a local process
started by a desktop agent).
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Awaitable, Callable, MutableMapping
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING, Any, Protocol

from deca.auth.roles import permissions_for
from deca.errors import DecaError
from deca.mcp.platform import McpPrincipal, PlatformTools

if TYPE_CHECKING:
    from mcp.server.lowlevel import Server
    from mcp.server.streamable_http_manager import StreamableHTTPSessionManager

    from deca.auth.tokens import TokenClaims

__all__ = [
    "SERVER_NAME",
    "BearerVerifier",
    "McpHttpApp",
    "build_server",
    "mount_mcp",
    "principal_of",
    "run_stdio",
]

SERVER_NAME = "deca"
_PRINCIPAL = "deca_principal"

Scope = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[MutableMapping[str, Any]]]
Send = Callable[[MutableMapping[str, Any]], Awaitable[None]]


class BearerVerifier(Protocol):
    """Verifies a bearer token (`deca.auth.TokenVerifier`)."""

    def verify(self, token: str) -> TokenClaims:
        """The token's claims; raises `AuthError`."""
        ...


def principal_of(claims: TokenClaims) -> McpPrincipal:
    """The MCP caller a verified token describes."""
    return McpPrincipal(
        workspace_id=claims.workspace_id,
        subject=claims.subject,
        permissions=frozenset(permissions_for(claims.roles)),
    )


def build_server(tools: PlatformTools, fixed: McpPrincipal | None = None) -> Server:
    """The low-level MCP server; the caller is `fixed` (stdio) or the one the HTTP request carries."""
    import anyio
    import mcp.types as types
    from mcp.server.lowlevel import Server

    server: Server = Server(SERVER_NAME)

    def caller() -> McpPrincipal:
        if fixed is not None:
            return fixed
        request = server.request_context.request
        principal = (
            getattr(request, "scope", {}).get("state", {}).get(_PRINCIPAL) if request is not None else None
        )
        if not isinstance(principal, McpPrincipal):
            raise PermissionError("unauthenticated MCP request")
        return principal

    @server.list_tools()  # type: ignore[no-untyped-call,untyped-decorator]
    async def list_tools() -> list[types.Tool]:
        listed = await anyio.to_thread.run_sync(tools.list_tools, caller())
        return [
            types.Tool(name=t.name, description=t.description, inputSchema=t.input_schema) for t in listed
        ]

    @server.call_tool(validate_input=False)  # type: ignore[untyped-decorator]
    async def call_tool(name: str, arguments: dict[str, Any]) -> types.CallToolResult:
        principal = caller()
        try:
            value = await anyio.to_thread.run_sync(tools.call, principal, name, arguments)
        except DecaError as exc:
            text = f"{type(exc).__name__}: {exc.message}"
            return types.CallToolResult(content=[types.TextContent(type="text", text=text)], isError=True)
        structured = value if isinstance(value, dict) else {"result": value}
        text = json.dumps(value, ensure_ascii=False, default=str)
        return types.CallToolResult(
            content=[types.TextContent(type="text", text=text)], structuredContent=structured
        )

    return server


async def _reply(send: Send, status: int, body: dict[str, Any], headers: list[tuple[bytes, bytes]]) -> None:
    payload = json.dumps(body).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(payload)).encode()),
                *headers,
            ],
        }
    )
    await send({"type": "http.response.body", "body": payload})


class McpHttpApp:
    """The MCP server on streamable HTTP as an ASGI app, authenticated with the platform's bearer tokens.

    Standalone (uvicorn), it runs its session manager in its own lifespan; mounted in another app, that
    app's lifespan must enter `app.lifespan()` (Starlette does not run a mounted app's lifespan).
    """

    def __init__(self, tools: PlatformTools, verifier: BearerVerifier) -> None:
        from mcp.server.streamable_http_manager import StreamableHTTPSessionManager

        self.verifier = verifier
        self.server = build_server(tools)
        # Stateless JSON: every POST is complete in itself, so any API instance (or Lambda) can answer it.
        self.session_manager: StreamableHTTPSessionManager = StreamableHTTPSessionManager(
            app=self.server, stateless=True, json_response=True
        )

    @asynccontextmanager
    async def lifespan(self) -> AsyncIterator[None]:
        """Run the session manager (enter once per process, from the host app's lifespan)."""
        async with self.session_manager.run():
            yield

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Serve one ASGI connection."""
        if scope["type"] == "lifespan":
            await self._lifespan(receive, send)
            return
        if scope["type"] != "http":
            return
        principal = self._authenticate(scope)
        if principal is None:
            challenge = [(b"www-authenticate", b'Bearer realm="deca"')]
            await _reply(
                send, 401, {"error": "unauthorized", "message": "a valid bearer token is required"}, challenge
            )
            return
        scope.setdefault("state", {})[_PRINCIPAL] = principal
        await self.session_manager.handle_request(scope, receive, send)

    def _authenticate(self, scope: Scope) -> McpPrincipal | None:
        from deca.auth.errors import AuthError

        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])}
        scheme, _, token = headers.get("authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            return None
        try:
            return principal_of(self.verifier.verify(token.strip()))
        except AuthError:
            return None

    async def _lifespan(self, receive: Receive, send: Send) -> None:
        message = await receive()
        if message["type"] != "lifespan.startup":
            return
        async with self.lifespan():
            await send({"type": "lifespan.startup.complete"})
            while (await receive())["type"] != "lifespan.shutdown":
                pass
        await send({"type": "lifespan.shutdown.complete"})


def mount_mcp(app: Any, mcp_app: McpHttpApp, path: str = "/mcp") -> None:
    """Mount the MCP app in a Starlette/FastAPI app at `path` (clients use `<path>/`) and run its
    session manager inside the host app's lifespan."""
    app.mount(path, mcp_app)
    previous = app.router.lifespan_context

    @asynccontextmanager
    async def lifespan(host: Any) -> AsyncIterator[Any]:
        async with mcp_app.lifespan(), previous(host) as state:
            yield state

    app.router.lifespan_context = lifespan


def run_stdio(tools: PlatformTools, principal: McpPrincipal) -> None:
    """Serve the tools over stdin/stdout for one principal until the client closes the pipe."""
    import anyio
    from mcp.server.stdio import stdio_server

    server = build_server(tools, fixed=principal)

    async def main() -> None:
        async with stdio_server() as (read, write):
            await server.run(read, write, server.create_initialization_options())

    anyio.run(main)
