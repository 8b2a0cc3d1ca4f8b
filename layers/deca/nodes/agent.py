"""`agent`: runs an AI agent (provider, model, system prompt, tools) on a prompt."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from deca.nodes.base import NodeConfig, NodeOutput, NodeSpec
from deca.nodes.common import CredentialId

__all__ = ["SPEC", "AgentConfig", "AgentOutput", "AgentUsage"]


class AgentConfig(NodeConfig):
    """Config of the agent node: an agent by id, or an inline model definition."""

    agent_id: str | None = Field(default=None, description="Id or name of a saved or pre-built agent")
    prompt: str = Field(min_length=1, description="User prompt (templates allowed)")
    provider: Literal["openai", "anthropic", "openai_compatible"] | None = Field(
        default=None, description="LLM provider of an inline agent (a saved agent has its own)"
    )
    model: str | None = Field(
        default=None,
        description="Model name, e.g. `gpt-4o` or `claude-sonnet-4-5`; required without agent_id",
    )
    base_url: str | None = Field(default=None, description="OpenAI-compatible endpoint")
    system_prompt: str | None = Field(
        default=None, description="Instructions given to the model before the prompt"
    )
    temperature: float | None = Field(
        description="Sampling temperature; the provider's default when unset", default=None, ge=0, le=2
    )
    max_tokens: int | None = Field(default=None, ge=1, le=200_000, description="Maximum tokens of the answer")
    tools: list[str] = Field(default_factory=list, description="Tool names the agent may call")
    knowledge_base_ids: list[str] = Field(
        default_factory=list, description="DECA knowledge bases the agent may search (retrieval)"
    )
    max_iterations: int = Field(
        default=10, ge=1, le=50, description="Model calls allowed in the tool-calling loop"
    )
    timeout_seconds: int = Field(default=120, ge=1, le=900, description="Seconds before the run is stopped")
    output_schema: dict[str, Any] | None = Field(
        default=None, description="JSON Schema of a structured answer"
    )
    session_id: str | None = Field(default=None, description="Conversation memory key (templates allowed)")
    credential_id: CredentialId | None = Field(
        default=None, description="Credential holding the provider API key; the workspace default when unset"
    )

    @model_validator(mode="after")
    def _agent_or_model(self) -> AgentConfig:
        if self.agent_id is None and self.model is None:
            raise ValueError("set `agent_id` (a saved agent) or `model` (an inline agent)")
        if self.base_url is not None and self.provider != "openai_compatible":
            raise ValueError("base_url is only used when provider is 'openai_compatible'")
        if self.provider == "openai_compatible" and self.base_url is None:
            raise ValueError("base_url is required when provider is 'openai_compatible'")
        return self


class AgentUsage(BaseModel):
    """Token usage and estimated cost of one agent run."""

    model_config = ConfigDict(extra="allow")

    input_tokens: int = Field(default=0, description="Prompt tokens")
    output_tokens: int = Field(default=0, description="Answer tokens")
    cost_usd: float = Field(default=0.0, description="Estimated cost in US dollars")


class AgentOutput(NodeOutput):
    """What an agent node returns."""

    text: str = Field(description="The final answer as text")
    data: Any = Field(default=None, description="The structured answer when output_schema is set")
    tool_calls: list[dict[str, Any]] = Field(
        description="Tools the agent called: name, arguments, result", default_factory=list
    )
    usage: AgentUsage = Field(default_factory=AgentUsage, description="Tokens used and estimated cost")
    model: str = Field(default="", description="The model that answered")


SPEC = NodeSpec(
    type="agent",
    category="ai",
    description="Run an AI agent with a prompt, tools and optional structured output",
    config=AgentConfig,
    output=AgentOutput,
    kind="task",
    icon="bot",
    errors=("AgentError", "ProviderRateLimited", "ProviderError"),
    example={
        "agent_id": "persona-generator",
        "prompt": "Create a customer persona based on: {{ input.customer_data }}",
    },
)
