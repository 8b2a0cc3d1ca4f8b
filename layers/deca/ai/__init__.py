"""AI agents: LLM providers (OpenAI, Anthropic, OpenAI-compatible), tools, memory, structured output.

The SDK adapters (`deca.ai.openai_client`, `deca.ai.anthropic_client`) import their SDKs lazily, so
importing this package stays cheap. See docs/agents.md.
"""

from deca.ai.definition import AgentDefinition, ToolDefinition
from deca.ai.errors import (
    AgentError,
    ProviderAuthError,
    ProviderError,
    ProviderRateLimited,
    StructuredOutputInvalid,
    ToolError,
)
from deca.ai.models import LlmRequest, LlmResponse, Message, StreamChunk, ToolCall, ToolSpec, Usage

__all__ = [
    "AgentDefinition",
    "AgentError",
    "LlmRequest",
    "LlmResponse",
    "Message",
    "ProviderAuthError",
    "ProviderError",
    "ProviderRateLimited",
    "StreamChunk",
    "StructuredOutputInvalid",
    "ToolCall",
    "ToolDefinition",
    "ToolError",
    "ToolSpec",
    "Usage",
]
