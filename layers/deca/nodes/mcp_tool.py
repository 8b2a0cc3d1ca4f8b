"""`mcp_tool`: calls a tool of a Model Context Protocol (MCP) server."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field, model_validator

from deca.nodes.base import NodeConfig, NodeOutput, NodeSpec
from deca.nodes.common import URL_OR_TEMPLATE_PATTERN, CredentialId

__all__ = ["SPEC", "McpToolConfig", "McpToolOutput"]


class McpToolConfig(NodeConfig):
    """Config of the mcp_tool node: a registered server by id, or a URL."""

    server_id: str | None = Field(
        default=None, min_length=1, max_length=128, description="A registered MCP server"
    )
    server_url: str | None = Field(
        default=None, pattern=URL_OR_TEMPLATE_PATTERN, description="Remote MCP server endpoint"
    )
    transport: Literal["streamable_http", "sse"] = Field(
        default="streamable_http", description="With server_url"
    )
    tool: str = Field(min_length=1, max_length=128, description="Tool name as the server lists it")
    arguments: dict[str, Any] = Field(default_factory=dict, description="Tool arguments (templates allowed)")
    credential_id: CredentialId | None = Field(default=None, description="Credential sent as a bearer token")
    timeout: int = Field(default=60, ge=1, le=900, description="Seconds")

    @model_validator(mode="after")
    def _one_server(self) -> McpToolConfig:
        if (self.server_id is None) == (self.server_url is None):
            raise ValueError("set exactly one of `server_id` or `server_url`")
        return self


class McpToolOutput(NodeOutput):
    """What an mcp_tool node returns (a tool reporting an error raises McpToolError instead)."""

    content: list[dict[str, Any]] = Field(default_factory=list, description="Content items (type, text, ...)")
    text: str = Field(default="", description="The text content items joined")
    structured: Any = Field(default=None, description="The tool's structuredContent, when it returns one")


SPEC = NodeSpec(
    type="mcp_tool",
    category="integration",
    description="Call a tool on a Model Context Protocol (MCP) server",
    config=McpToolConfig,
    output=McpToolOutput,
    side_effects=True,
    icon="plug",
    errors=("McpToolError", "McpServerUnavailable", "CredentialNotFound"),
    example={
        "server_id": "github",
        "tool": "create_issue",
        "arguments": {"repo": "acme/app", "title": "{{ input.title }}"},
    },
)
