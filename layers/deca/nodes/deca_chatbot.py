"""`deca_chatbot`: talks to a DECA chatbot (an AI agent with a chat interface) and manages sessions."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, ClassVar, Literal

from pydantic import Field

from deca.nodes.agent import AgentUsage
from deca.nodes.base import NodeOutput, NodeSpec
from deca.nodes.common import OPERATION_HELP, Operation, OperationConfig

if TYPE_CHECKING:
    from deca.nodes.context import NodeContext
    from deca.nodes.task import NodeTask

__all__ = ["SPEC", "ChatMessage", "DecaChatbotConfig", "DecaChatbotOutput", "run"]


class DecaChatbotConfig(OperationConfig):
    """Config of the deca_chatbot node."""

    operation: Literal["send_message", "get_history", "end_session", "handoff"] = Field(
        description=OPERATION_HELP
    )
    chatbot_id: str = Field(min_length=1, max_length=128, description="Id of the chatbot")
    session_id: str | None = Field(
        default=None, description="Conversation to continue (templates allowed); a new one when unset"
    )
    message: str | None = Field(default=None, min_length=1, description="User message (templates allowed)")
    user_id: str | None = Field(default=None, description="End user the conversation belongs to")
    context: dict[str, Any] | None = Field(
        default=None, description="Extra variables for the chatbot's prompt"
    )
    limit: int | None = Field(default=None, ge=1, le=1000, description="Most recent messages returned")
    assignee: str | None = Field(default=None, description="Team or agent that takes over the conversation")

    OPERATIONS: ClassVar[Mapping[str, Operation]] = {
        "send_message": Operation(required=("message",), optional=("session_id", "user_id", "context")),
        "get_history": Operation(required=("session_id",), optional=("limit",)),
        "end_session": Operation(required=("session_id",)),
        "handoff": Operation(required=("session_id", "assignee"), optional=("message",)),
    }


class ChatMessage(NodeOutput):
    """One message of a conversation."""

    role: Literal["user", "assistant", "system", "agent"] = Field(
        description="Who wrote it (agent: a human who took over)"
    )
    content: str = Field(description="Message text")
    created_at: str | None = Field(default=None, description="ISO-8601 time")


class DecaChatbotOutput(NodeOutput):
    """What a deca_chatbot node returns."""

    session_id: str = Field(description="The conversation's id")
    reply: str | None = Field(default=None, description="The chatbot's answer (send_message)")
    messages: list[ChatMessage] = Field(default_factory=list, description="The conversation (get_history)")
    status: Literal["active", "ended", "handed_off"] = Field(
        default="active", description="State of the conversation after the operation"
    )
    usage: AgentUsage = Field(
        default_factory=AgentUsage, description="Tokens used and estimated cost of the answer (send_message)"
    )
    model: str = Field(default="", description="The model that answered (send_message)")


def run(config: DecaChatbotConfig, task: NodeTask, ctx: NodeContext) -> DecaChatbotOutput:
    """Send a message to a chatbot (an agent with memory), read, end or hand off a conversation."""
    from deca.ai.chatbot import run_chatbot

    return run_chatbot(config, task, ctx)


SPEC = NodeSpec(
    type="deca_chatbot",
    category="deca",
    description="Send a message to a DECA chatbot, read a conversation, end it or hand it to a person",
    config=DecaChatbotConfig,
    output=DecaChatbotOutput,
    side_effects=True,
    icon="message-circle",
    errors=(
        "ChatbotNotFound",
        "SessionNotFound",
        "ChatbotError",
        "IntegrationInProgress",
        "ProviderRateLimited",
        "ProviderError",
        "ProviderAuthError",
    ),
    example={
        "operation": "send_message",
        "chatbot_id": "support-bot",
        "message": "{{ input.question }}",
        "session_id": "{{ input.session_id }}",
    },
)
