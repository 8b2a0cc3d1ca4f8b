"""The deca_chatbot node's logic: a chatbot is an agent (saved or pre-built) with a session per conversation.

`send_message` streams the agent's answer (each chunk goes to `ctx.services["stream"]` when the caller
relays it, e.g. the API as server-sent events) and remembers both turns; a conversation handed off to a
person keeps the user's messages but gets no bot answer.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from deca.ai.agents import conversations, remember, stream_agent_node
from deca.ai.errors import AgentError, ChatbotError, ChatbotNotFound, SessionNotFound
from deca.ai.memory import Conversation
from deca.ai.models import Message, StreamChunk
from deca.stores.models import format_timestamp

if TYPE_CHECKING:
    from deca.nodes.context import NodeContext
    from deca.nodes.deca_chatbot import DecaChatbotConfig, DecaChatbotOutput
    from deca.nodes.task import NodeTask

__all__ = ["run_chatbot"]


def _session(ctx: NodeContext, session_id: str) -> Conversation:
    conversation = conversations(ctx).get(ctx.workspace_id, session_id)
    if conversation is None:
        raise SessionNotFound(f"config.session_id: conversation '{session_id}' not found")
    return conversation


def _new_session_id(config: DecaChatbotConfig, task: NodeTask, ctx: NodeContext) -> str:
    # Derived from the execution, node and loop iteration, so a retried or redriven node continues
    # the same session while each iteration of a loop gets its own.
    key = ctx.idempotency_key(task.execution_id, task.node_id, task.iteration)
    digest = hashlib.sha256(key.encode()).hexdigest()[:16]
    return f"{config.chatbot_id}-{digest}"


def _send(config: DecaChatbotConfig, task: NodeTask, ctx: NodeContext) -> DecaChatbotOutput:
    from deca.nodes.agent import AgentConfig, AgentUsage
    from deca.nodes.deca_chatbot import DecaChatbotOutput

    session_id = config.session_id or _new_session_id(config, task, ctx)
    existing = conversations(ctx).get(ctx.workspace_id, session_id)
    if existing is not None and existing.status == "ended":
        raise ChatbotError(f"config.session_id: conversation '{session_id}' has ended")
    if existing is not None and existing.status == "handed_off":
        remember(ctx, session_id, [Message(role="user", content=config.message or "")])
        return DecaChatbotOutput(session_id=session_id, reply=None, status="handed_off")
    prompt = config.message or ""
    if config.context:
        prompt = f"{prompt}\n\nContext:\n{json.dumps(config.context, ensure_ascii=False)}"
    agent = AgentConfig(agent_id=config.chatbot_id, prompt=prompt, session_id=session_id)
    sink: Callable[[StreamChunk], Any] | None = ctx.services.get("stream")
    result: dict[str, Any] = {}
    try:
        for chunk in stream_agent_node(agent, ctx):
            if sink is not None:
                sink(chunk)
            if chunk["type"] == "done":
                result = chunk["result"]
    except AgentError as exc:
        if exc.field == "agent_id":
            raise ChatbotNotFound(
                f"config.chatbot_id: no chatbot '{config.chatbot_id}'", field="chatbot_id"
            ) from exc
        raise
    if existing is None and config.user_id:
        stored = _session(ctx, session_id)
        conversations(ctx).put(ctx.workspace_id, stored.model_copy(update={"user_id": config.user_id}))
    usage = AgentUsage(
        **result["usage"],
        total_tokens=result["usage"]["input_tokens"] + result["usage"]["output_tokens"],
        cost_usd=result["cost_usd"],
    )
    return DecaChatbotOutput(
        session_id=session_id, reply=result["text"], status="active", usage=usage, model=result["model"]
    )


def _history(config: DecaChatbotConfig, ctx: NodeContext) -> DecaChatbotOutput:
    from deca.nodes.deca_chatbot import ChatMessage, DecaChatbotOutput

    conversation = _session(ctx, config.session_id or "")
    shown = [m for m in conversation.messages if m.role in {"user", "assistant"} and m.content]
    if config.limit:
        shown = shown[-config.limit :]
    messages = [
        ChatMessage(
            role=m.role,  # filtered to user/assistant above
            content=m.content,
            created_at=format_timestamp(m.created_at) if m.created_at else None,
        )
        for m in shown
    ]
    return DecaChatbotOutput(
        session_id=conversation.session_id, messages=messages, status=conversation.status
    )


def _set_status(config: DecaChatbotConfig, ctx: NodeContext) -> DecaChatbotOutput:
    from deca.nodes.deca_chatbot import DecaChatbotOutput

    conversation = _session(ctx, config.session_id or "")
    if config.operation == "handoff" and config.message:
        conversation = remember(
            ctx, conversation.session_id, [Message(role="assistant", content=config.message)]
        )
    status = "ended" if config.operation == "end_session" else "handed_off"
    updated = conversation.model_copy(
        update={"status": status, "assignee": config.assignee or conversation.assignee}
    )
    conversations(ctx).put(ctx.workspace_id, updated)
    return DecaChatbotOutput(session_id=updated.session_id, status=updated.status)


def run_chatbot(config: DecaChatbotConfig, task: NodeTask, ctx: NodeContext) -> DecaChatbotOutput:
    """Run one operation of the deca_chatbot node; a retried send or handoff replays its first output."""
    from deca.integrations.idempotency import run_once
    from deca.nodes.deca_chatbot import DecaChatbotOutput

    if config.operation == "send_message":
        return run_once(ctx, task, DecaChatbotOutput, lambda: _send(config, task, ctx))
    if config.operation == "handoff":
        return run_once(ctx, task, DecaChatbotOutput, lambda: _set_status(config, ctx))
    if config.operation == "get_history":
        return _history(config, ctx)
    return _set_status(config, ctx)
