"""Errors of MCP calls; each class name is an ASL error name a flow can Retry or Catch."""

from __future__ import annotations

from deca.errors import DecaError

__all__ = ["McpError", "McpServerUnavailable", "McpToolError"]


class McpError(DecaError):
    """Base of MCP failures."""

    code = "mcp_error"

    def __init__(self, message: str, *, server: str) -> None:
        super().__init__(message)
        self.server = server


class McpServerUnavailable(McpError):
    """The MCP server could not be reached, started or initialised (or timed out): retry later."""

    code = "mcp_server_unavailable"
    retryable = True


class McpToolError(McpError):
    """The tool does not exist on the server, or it answered with `isError: true`."""

    code = "mcp_tool_error"
