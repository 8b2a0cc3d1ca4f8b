"""What an agent is: provider, model, sampling, system prompt, tools and answer schema (`AgentDefinition`).

Tools are declared with `ToolDefinition` (inline in a node's config, in a saved agent or a pre-built one):
an HTTP call, a registered function run in the sandbox, another flow, or a knowledge-base search.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from deca.mcp.config import McpServer

__all__ = ["DEFAULT_TOOL_PARAMETERS", "AgentDefinition", "Provider", "ToolDefinition", "ToolType"]

Provider = Literal["openai", "anthropic", "openai_compatible"]
ToolType = Literal["http", "function", "flow", "knowledge_base", "mcp"]
DEFAULT_TOOL_PARAMETERS: dict[str, Any] = {"type": "object", "properties": {}}

_REQUIRED: dict[str, tuple[str, ...]] = {
    "http": ("url",),
    "function": (),
    "flow": ("flow_id",),
    "knowledge_base": ("knowledge_base_id",),
    "mcp": ("mcp_server",),
}


class ToolDefinition(BaseModel):
    """A tool an agent may call; `parameters` is the JSON Schema of the arguments the model sends."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(pattern=r"^[A-Za-z0-9_-]{1,64}$", description="Name the model calls it by")
    type: ToolType = Field(description="http, function (sandboxed code), flow, knowledge_base or mcp")
    description: str = Field(default="", max_length=2000, description="What the tool does, for the model")
    parameters: dict[str, Any] = Field(
        default_factory=lambda: dict(DEFAULT_TOOL_PARAMETERS), description="JSON Schema of the arguments"
    )
    method: Literal["GET", "POST", "PUT", "PATCH", "DELETE"] = Field(
        default="GET", description="http: the method; GET sends the arguments as query parameters"
    )
    url: str | None = Field(
        default=None, description="http: the URL; `{name}` placeholders take the argument of that name"
    )
    headers: dict[str, str] = Field(default_factory=dict, description="http: extra request headers")
    function_id: str | None = Field(default=None, description="function: a registered function's id")
    language: Literal["python", "javascript"] = Field(
        default="python", description="function: language of an inline `source`"
    )
    source: str | None = Field(
        default=None, description="function: inline code defining `main(input)` (instead of function_id)"
    )
    flow_id: str | None = Field(default=None, description="flow: the flow run with the arguments as input")
    knowledge_base_id: str | None = Field(default=None, description="knowledge_base: the base searched")
    top_k: int = Field(default=4, ge=1, le=50, description="knowledge_base: passages returned")
    mcp_server: McpServer | None = Field(
        default=None, description="mcp: the MCP server (stdio or streamable HTTP)"
    )
    mcp_tool: str | None = Field(
        default=None, description="mcp: the tool's name on the server (default: `name`)"
    )
    timeout_seconds: float = Field(default=30, gt=0, le=300, description="Seconds a call may take")

    @model_validator(mode="after")
    def _fields_of_type(self) -> ToolDefinition:
        missing = [name for name in _REQUIRED[self.type] if getattr(self, name) is None]
        if missing:
            raise ValueError(f"a {self.type} tool needs `{missing[0]}`")
        if self.type == "function" and (self.function_id is None) == (self.source is None):
            raise ValueError("a function tool needs exactly one of `function_id` or `source`")
        return self


class AgentDefinition(BaseModel):
    """A complete agent, ready to run (a node's config merged over a saved or pre-built agent)."""

    model_config = ConfigDict(extra="forbid")

    agent_id: str | None = None
    name: str = ""
    description: str = ""
    provider: Provider = "openai"
    model: str = Field(min_length=1)
    base_url: str | None = None
    temperature: float | None = Field(default=None, ge=0, le=2)
    max_tokens: int | None = Field(default=None, ge=1)
    system_prompt: str = ""
    tools: list[ToolDefinition] = Field(default_factory=list)
    output_schema: dict[str, Any] | None = None
    max_iterations: int = Field(default=10, ge=1, le=50)
    credential_id: str | None = Field(
        default=None, description="A saved agent's provider credential; a node's own `credential_id` wins"
    )
