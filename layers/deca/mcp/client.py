"""A synchronous MCP client over the official `mcp` SDK: list and call tools on stdio or streamable HTTP servers.

Each operation opens a session (start the process or connect, `initialize`), does its work and closes it,
in a fresh event loop: agent tool loops and node handlers are synchronous, and a session held across
calls would tie a subprocess or a connection to a thread. `McpTool` and `McpResult` are plain models.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from datetime import timedelta
from typing import TYPE_CHECKING, Any, TypeVar

from pydantic import BaseModel, Field

from deca.mcp.config import McpServer
from deca.mcp.errors import McpServerUnavailable, McpToolError
from deca.net.errors import OutboundRequestBlocked

if TYPE_CHECKING:
    from mcp import ClientSession

    from deca.net.policy import OutboundPolicy

__all__ = ["McpClient", "McpResult", "McpTool"]

T = TypeVar("T")


class McpTool(BaseModel):
    """A tool a server lists."""

    name: str
    description: str = ""
    input_schema: dict[str, Any] = Field(default_factory=lambda: {"type": "object", "properties": {}})


class McpResult(BaseModel):
    """What a tool call returned: content items, their text joined, structured content, error flag."""

    content: list[dict[str, Any]] = Field(default_factory=list)
    text: str = ""
    structured: Any = None
    is_error: bool = False


@asynccontextmanager
async def _session(server: McpServer, policy: OutboundPolicy | None) -> AsyncIterator[ClientSession]:
    from mcp import ClientSession

    timeout = timedelta(seconds=server.timeout_seconds)
    if server.transport == "stdio":
        from mcp import StdioServerParameters
        from mcp.client.stdio import stdio_client

        params = StdioServerParameters(
            command=server.command or "", args=server.args, env=server.env, cwd=server.cwd
        )
        async with stdio_client(params) as (read, write), ClientSession(read, write, timeout) as session:
            await session.initialize()
            yield session
    else:
        async with (
            _http_streams(server, policy) as (read, write),
            ClientSession(read, write, timeout) as session,
        ):
            await session.initialize()
            yield session


@asynccontextmanager
async def _http_streams(server: McpServer, policy: OutboundPolicy | None) -> AsyncIterator[tuple[Any, Any]]:
    """The SDK's streamable HTTP transport over our httpx client (SSRF-guarded when a policy is given)."""
    import httpx
    from mcp.client.streamable_http import streamable_http_client

    from deca.mcp.guard import AsyncGuardedTransport

    http = httpx.AsyncClient(
        headers=server.headers,
        timeout=httpx.Timeout(server.timeout_seconds),
        follow_redirects=True,
        transport=AsyncGuardedTransport(policy) if policy is not None else None,
        trust_env=policy is None,
    )
    async with http, streamable_http_client(server.url or "", http_client=http) as (read, write, _):
        yield read, write


def _result(raw: Any) -> McpResult:
    content = [item.model_dump(mode="json", exclude_none=True, by_alias=True) for item in raw.content]
    text = "\n".join(item["text"] for item in content if item.get("type") == "text")
    return McpResult(content=content, text=text, structured=raw.structuredContent, is_error=bool(raw.isError))


class McpClient:
    """Lists and calls tools of MCP servers (each call its own short session).

    With `policy`, HTTP servers are reached through the SSRF guard (`deca.net.OutboundPolicy`).
    """

    def __init__(self, policy: OutboundPolicy | None = None) -> None:
        self.policy = policy

    def _run(self, server: McpServer, work: Callable[[ClientSession], Awaitable[T]]) -> T:
        import anyio

        async def main() -> T:
            with anyio.fail_after(server.timeout_seconds):
                async with _session(server, self.policy) as session:
                    return await work(session)

        try:
            return anyio.run(main)
        except (McpToolError, OutboundRequestBlocked):
            raise
        except TimeoutError as exc:
            raise McpServerUnavailable(
                f"MCP server {server.label()!r} did not answer within {server.timeout_seconds:g} s",
                server=server.label(),
            ) from exc
        except Exception as exc:  # the SDK raises transport, protocol and process errors of many kinds
            blocked = _innermost(exc)
            if isinstance(blocked, OutboundRequestBlocked):
                raise blocked from exc
            raise McpServerUnavailable(
                f"MCP server {server.label()!r} failed: {_reason(exc)}", server=server.label()
            ) from exc

    def list_tools(self, server: McpServer) -> list[McpTool]:
        """Every tool the server lists (following pagination)."""

        async def work(session: ClientSession) -> list[McpTool]:
            tools: list[McpTool] = []
            cursor: str | None = None
            while True:
                page = await session.list_tools(cursor=cursor) if cursor else await session.list_tools()
                tools += [
                    McpTool(name=t.name, description=t.description or "", input_schema=dict(t.inputSchema))
                    for t in page.tools
                ]
                cursor = page.nextCursor
                if not cursor:
                    return tools

        return self._run(server, work)

    def call_tool(self, server: McpServer, name: str, arguments: dict[str, Any]) -> McpResult:
        """Call one tool; `McpToolError` when it reports an error."""

        async def work(session: ClientSession) -> McpResult:
            return _result(await session.call_tool(name, arguments))

        result = self._run(server, work)
        if result.is_error:
            raise McpToolError(
                f"MCP tool {name!r} failed: {result.text[:500] or 'no details'}", server=server.label()
            )
        return result


def _innermost(exc: BaseException) -> BaseException:
    """The first leaf of nested exception groups (anyio wraps task failures in groups)."""
    while isinstance(exc, BaseExceptionGroup) and exc.exceptions:
        exc = exc.exceptions[0]
    return exc


def _reason(exc: BaseException) -> str:
    inner = _innermost(exc)
    return f"{type(inner).__name__}: {inner}"
