"""MCP tools as agent tools: list a server's tools as `ToolDefinition`s of type `mcp`, and run one.

`deca.ai.tools.ToolRunner` calls `call_mcp_tool` for tools of type `mcp`; an agent gets a server's tools
either inline (`tool_definitions: [{"type": "mcp", "mcp_server": {...}, ...}]`) or registered by name
(`ctx.services["tools"]`, e.g. filled from `mcp_tool_definitions(server)`).
"""

from __future__ import annotations

import re
import threading
from typing import TYPE_CHECKING, Any

from deca.mcp.client import McpClient
from deca.mcp.errors import McpToolError

if TYPE_CHECKING:
    from collections.abc import Callable

    import httpx

    from deca.ai.definition import ToolDefinition
    from deca.mcp.config import McpServer

__all__ = ["allow_stdio_server", "call_mcp_tool", "mcp_tool_definitions"]

_UNSAFE = re.compile(r"[^A-Za-z0-9_-]+")
_ALLOWED_STDIO: set[tuple[str, ...]] = set()
_LOCK = threading.Lock()


def _command(server: McpServer) -> tuple[str, ...]:
    return (server.command or "", *server.args)


def allow_stdio_server(server: McpServer) -> None:
    """Let agents start this stdio server's command (the platform's choice, never a flow author's)."""
    with _LOCK:
        _ALLOWED_STDIO.add(_command(server))


def _check_allowed(server: McpServer) -> None:
    # A stdio server is a program started on this host: a flow document must not be able to name one.
    with _LOCK:
        allowed = _command(server) in _ALLOWED_STDIO
    if server.transport == "stdio" and not allowed:
        raise McpToolError(
            f"stdio MCP server {server.label()!r} is not registered by the platform", server=server.label()
        )


def mcp_tool_definitions(
    server: McpServer, *, prefix: str = "", client: McpClient | None = None
) -> list[ToolDefinition]:
    """Every tool of the server as an agent tool (name `<prefix><tool>`, parameters = its input schema).

    Registering a stdio server's tools this way also allows agents to start its command.
    """
    from deca.ai.definition import ToolDefinition

    if server.transport == "stdio":
        allow_stdio_server(server)
    listed = (client or McpClient()).list_tools(server)
    return [
        ToolDefinition(
            name=_UNSAFE.sub("_", prefix + tool.name)[:64],
            type="mcp",
            description=tool.description[:2000],
            parameters=tool.input_schema,
            mcp_server=server,
            mcp_tool=tool.name,
            timeout_seconds=min(server.timeout_seconds, 300),
        )
        for tool in listed
    ]


def call_mcp_tool(
    tool: ToolDefinition,
    arguments: dict[str, Any],
    *,
    client: McpClient | None = None,
    http: Callable[[], httpx.Client] | None = None,
) -> Any:
    """Call the tool on its server: its structured content when it gives one, else its text.

    Without a `client`, HTTP servers are reached under the SSRF policy of `http` (the node context's
    client factory) when it builds guarded clients, as deployed wiring does.
    """
    assert tool.mcp_server is not None  # ToolDefinition requires it for type mcp
    _check_allowed(tool.mcp_server)
    if client is None:
        from deca.mcp.guard import policy_of

        client = McpClient(policy=policy_of(http))
    result = client.call_tool(tool.mcp_server, tool.mcp_tool or tool.name, arguments)
    return result.structured if result.structured is not None else result.text
