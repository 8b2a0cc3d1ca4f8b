"""Where an MCP server is and how to reach it (pydantic only: imported by agent tool definitions)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

__all__ = ["McpServer", "McpTransport"]

McpTransport = Literal["stdio", "streamable_http"]


class McpServer(BaseModel):
    """An MCP server: a local command spoken to over stdio, or a streamable HTTP endpoint."""

    model_config = ConfigDict(extra="forbid")

    transport: McpTransport = Field(default="streamable_http", description="stdio or streamable_http")
    url: str | None = Field(default=None, description="streamable_http: the endpoint (e.g. https://host/mcp)")
    headers: dict[str, str] = Field(
        default_factory=dict, description="streamable_http: extra request headers"
    )
    command: str | None = Field(default=None, description="stdio: the program to start")
    args: list[str] = Field(default_factory=list, description="stdio: its arguments")
    env: dict[str, str] | None = Field(
        default=None, description="stdio: its environment (default: inherited)"
    )
    cwd: str | None = Field(default=None, description="stdio: its working directory")
    timeout_seconds: float = Field(default=60, gt=0, le=900, description="Seconds one call may take")

    @model_validator(mode="after")
    def _fields_of_transport(self) -> McpServer:
        if self.transport == "stdio" and not self.command:
            raise ValueError("a stdio MCP server needs `command`")
        if self.transport == "streamable_http" and not self.url:
            raise ValueError("a streamable_http MCP server needs `url`")
        return self

    def label(self) -> str:
        """A short name for messages (the URL or the command)."""
        return self.url or " ".join([self.command or "", *self.args]).strip()

    def with_bearer(self, token: str) -> McpServer:
        """A copy sending `Authorization: Bearer <token>`."""
        headers: dict[str, Any] = {**self.headers, "Authorization": f"Bearer {token}"}
        return self.model_copy(update={"headers": headers})
