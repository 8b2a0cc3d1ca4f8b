"""`mcp_tool`: calls a tool of a Model Context Protocol (MCP) server."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Literal

from pydantic import Field, model_validator

from deca.nodes.base import NodeConfig, NodeOutput, NodeSpec
from deca.nodes.common import URL_OR_TEMPLATE_PATTERN, CredentialId

if TYPE_CHECKING:
    from deca.nodes.context import NodeContext
    from deca.nodes.task import NodeTask

__all__ = ["MCP_SERVERS_SERVICE", "SPEC", "McpToolConfig", "McpToolOutput", "run"]


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

MCP_SERVERS_SERVICE = "mcp_servers"
"""`ctx.services[...]`: the workspace's registered MCP servers, `{server_id: deca.mcp.McpServer}`."""


def run(config: McpToolConfig, task: NodeTask, ctx: NodeContext) -> McpToolOutput:
    """Call `config.tool` on the server (registered by id, or a streamable HTTP URL) with the arguments."""
    from deca.mcp import McpServer, McpServerUnavailable
    from deca.mcp.client import McpClient
    from deca.mcp.guard import policy_of
    from deca.mcp.tools import allow_stdio_server

    if config.server_url is not None:
        if config.transport != "streamable_http":
            raise McpServerUnavailable(
                f"config.transport: '{config.transport}' is not supported, use 'streamable_http'",
                server=config.server_url,
            )
        server = McpServer(url=config.server_url, timeout_seconds=config.timeout)
    else:
        registered: dict[str, Any] = ctx.services.get(MCP_SERVERS_SERVICE) or {}
        found = registered.get(config.server_id or "")
        if found is None:
            raise McpServerUnavailable(
                f"config.server_id: MCP server '{config.server_id}' is not registered",
                server=str(config.server_id),
            )
        server = found.model_copy(update={"timeout_seconds": config.timeout})
        if server.transport == "stdio":
            allow_stdio_server(server)  # registered by the platform, not named by the flow
    if config.credential_id is not None:
        fields = ctx.secrets.resolve(ctx.workspace_id, config.credential_id)
        token = fields.get("token") or fields.get("api_key") or fields.get("access_token")
        if not token:
            raise McpServerUnavailable(
                f"config.credential_id: credential '{config.credential_id}' has no token field",
                server=server.label(),
            )
        server = server.with_bearer(token)
    result = McpClient(policy=policy_of(ctx.http)).call_tool(server, config.tool, config.arguments)
    return McpToolOutput(content=result.content, text=result.text, structured=result.structured)
