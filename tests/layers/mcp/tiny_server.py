"""A tiny MCP server on stdio (started by the tests as a subprocess): `add`, `shout` and a failing `boom`."""

from __future__ import annotations

from mcp.server.fastmcp import FastMCP

server = FastMCP("tiny")


@server.tool()
def add(a: int, b: int) -> int:
    """Add two integers."""
    return a + b


@server.tool()
def shout(text: str) -> str:
    """The text in capitals."""
    return text.upper()


@server.tool()
def boom() -> str:
    """Always fails."""
    raise ValueError("it broke")


if __name__ == "__main__":
    server.run()
