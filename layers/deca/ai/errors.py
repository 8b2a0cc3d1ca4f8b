"""Errors of the AI layer; each class name is the ASL error name a flow can Retry or Catch."""

from __future__ import annotations

from deca.errors import DecaError

__all__ = [
    "AgentError",
    "ChatbotError",
    "ChatbotNotFound",
    "ProviderAuthError",
    "ProviderError",
    "ProviderRateLimited",
    "SessionNotFound",
    "StructuredOutputInvalid",
    "ToolError",
]


class ProviderError(DecaError):
    """The LLM provider failed (a 5xx, a bad request it rejected, a connection error, a timeout)."""

    code = "provider_error"

    def __init__(self, message: str, *, provider: str, status_code: int | None = None) -> None:
        super().__init__(message)
        self.provider = provider
        self.status_code = status_code


class ProviderRateLimited(ProviderError):
    """The provider answered 429 (rate limit or quota): retry later."""

    code = "provider_rate_limited"
    retryable = True


class ProviderAuthError(ProviderError):
    """The provider rejected the API key (401/403), or no key was configured."""

    code = "provider_auth_error"


class AgentError(DecaError):
    """The agent definition or its run is unusable: an unknown agent or tool, too many iterations."""

    code = "agent_error"

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


class StructuredOutputInvalid(DecaError):
    """The model's answer is not JSON, or does not match the node's `output_schema`."""

    code = "structured_output_invalid"

    def __init__(self, message: str, *, path: str = "") -> None:
        super().__init__(message)
        self.path = path


class ToolError(DecaError):
    """A tool the agent called could not run (bad arguments, an HTTP error, a failed function)."""

    code = "tool_error"

    def __init__(self, message: str, *, tool: str) -> None:
        super().__init__(message)
        self.tool = tool


class ChatbotNotFound(AgentError):
    """The chatbot id names no saved agent and no pre-built one."""

    code = "chatbot_not_found"


class SessionNotFound(DecaError):
    """The conversation does not exist in the workspace (or expired)."""

    code = "session_not_found"


class ChatbotError(DecaError):
    """The chatbot cannot do this now (e.g. a message to an ended conversation)."""

    code = "chatbot_error"
