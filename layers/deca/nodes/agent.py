"""`agent`: runs an AI agent (provider, model, system prompt, tools) on a prompt."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from deca.ai.definition import ToolDefinition
from deca.nodes.base import NodeConfig, NodeOutput, NodeSpec
from deca.nodes.common import CredentialId

if TYPE_CHECKING:
    from deca.nodes.context import NodeContext
    from deca.nodes.task import NodeTask

__all__ = ["SPEC", "AgentConfig", "AgentOutput", "AgentUsage", "run"]


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
    tools: list[str] = Field(
        default_factory=list,
        description="Tool names the agent may call: from tool_definitions, the saved agent, registered tools, "
        "or a registered function's id",
    )
    tool_definitions: list[ToolDefinition] = Field(
        default_factory=list, description="Tools declared inline (http, function, flow, knowledge_base)"
    )
    prompt_id: str | None = Field(
        default=None,
        description="A versioned prompt template used as the system prompt (instead of system_prompt)",
    )
    prompt_version: int | None = Field(
        default=None, ge=1, description="Version of prompt_id; the latest when unset"
    )
    variables: dict[str, Any] = Field(
        default_factory=dict, description="Values of the prompt template's `{{ name }}` placeholders"
    )
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
    total_tokens: int = Field(default=0, description="Prompt and answer tokens")
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
    provider: str = Field(default="", description="The provider that answered")
    iterations: int = Field(default=0, description="Model calls made by the tool-calling loop")
    finish_reason: str | None = Field(
        default=None, description="Why the last answer ended (stop, length, ...)"
    )
    session_id: str | None = Field(default=None, description="The conversation the turns were remembered in")


def run(config: AgentConfig, task: NodeTask, ctx: NodeContext) -> AgentOutput:
    """Run the agent (tool-calling loop, memory, structured output) and report usage and cost."""
    from deca.ai.agents import run_agent_node

    definition, result = run_agent_node(config, ctx)
    usage = AgentUsage(
        input_tokens=result.usage.input_tokens,
        output_tokens=result.usage.output_tokens,
        total_tokens=result.usage.input_tokens + result.usage.output_tokens,
        cost_usd=result.cost_usd,
    )
    return AgentOutput(
        text=result.text,
        data=result.data,
        tool_calls=result.tool_calls,
        usage=usage,
        model=result.model,
        provider=definition.provider,
        iterations=result.iterations,
        finish_reason=result.finish_reason,
        session_id=config.session_id,
    )


SPEC = NodeSpec(
    type="agent",
    category="ai",
    description="Run an AI agent with a prompt, tools and optional structured output",
    config=AgentConfig,
    output=AgentOutput,
    kind="task",
    icon="bot",
    errors=(
        "AgentError",
        "ProviderRateLimited",
        "ProviderError",
        "ProviderAuthError",
        "StructuredOutputInvalid",
        "ToolError",
        "CredentialNotFound",
    ),
    example={
        "agent_id": "persona-generator",
        "prompt": "Create a customer persona based on: {{ input.customer_data }}",
    },
)
