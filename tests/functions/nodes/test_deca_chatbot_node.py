"""The deca_chatbot node: conversations with a chatbot (an agent) that remembers, streams and hands off."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from typing import Any

import pytest

from deca.ai.errors import ChatbotError, ChatbotNotFound, SessionNotFound
from deca.nodes.context import NodeContext, StaticSecrets
from deca.nodes.handlers import InvalidNodeConfig, run_node
from deca.nodes.task import ExecutionInfo, NodeTask
from deca.stores import memory_stores
from deca.stores.models import Agent, AgentModelConfig
from tests.fakes.clock import FakeClock
from tests.fakes.llm_server import FakeLlmServer, Reply, llm_server

WS = "ws-1"


@pytest.fixture
def llm() -> Iterator[FakeLlmServer]:
    """The fake provider."""
    with llm_server() as server:
        yield server


@pytest.fixture
def ctx(llm: FakeLlmServer, monkeypatch: pytest.MonkeyPatch) -> NodeContext:
    """A workspace with a saved `support-bot` agent on OpenAI (the key and URL from the environment)."""
    monkeypatch.setenv("OPENAI_API_KEY", "sk-env")
    monkeypatch.setenv("OPENAI_BASE_URL", llm.openai_base_url)
    clock = FakeClock()
    context = NodeContext(
        workspace_id=WS, stores=memory_stores(clock=clock), clock=clock, secrets=StaticSecrets()
    )
    context.stores.agents.create(
        WS,
        Agent(
            workspace_id=WS,
            agent_id="support-bot",
            name="Support",
            system_prompt="You are Acme support.",
            llm=AgentModelConfig(provider="openai", model="gpt-4o-mini"),
        ),
    )
    return context


_EXECUTIONS = itertools.count(1)


def _run(ctx: NodeContext, execution: str | None = None, **config: Any) -> Any:
    task = NodeTask(
        execution=ExecutionInfo(id=execution or f"e-{next(_EXECUTIONS)}"),
        workspace_id=WS,
        flow_id="f",
        node_id="chat",
        node_type="deca_chatbot",
        config={"chatbot_id": "support-bot", **config},
    )
    return run_node(task, ctx)


def test_send_message_answers_and_opens_a_session(llm: FakeLlmServer, ctx: NodeContext) -> None:
    llm.queue(Reply(text="Hello! How can I help?", input_tokens=1000, output_tokens=1000))

    out = _run(ctx, operation="send_message", message="Hi")

    assert out["reply"] == "Hello! How can I help?" and out["status"] == "active"
    assert out["usage"] == {
        "input_tokens": 1000,
        "output_tokens": 1000,
        "total_tokens": 2000,
        "cost_usd": 0.00075,
    }
    assert out["model"] == "gpt-4o-mini"
    assert out["session_id"].startswith("support-bot-")
    assert llm.chat_requests()[0].body["stream"] is True


def test_retried_send_replays_its_first_answer(llm: FakeLlmServer, ctx: NodeContext) -> None:
    llm.queue(Reply(text="a"), Reply(text="b"))

    first = _run(ctx, execution="e-retry", operation="send_message", message="Hi")
    again = _run(ctx, execution="e-retry", operation="send_message", message="Hi")

    assert again == first
    assert len(llm.chat_requests()) == 1
    history = _run(ctx, operation="get_history", session_id=first["session_id"])["messages"]
    assert [m["content"] for m in history] == ["Hi", "a"]


def test_follow_up_message_carries_the_conversation(llm: FakeLlmServer, ctx: NodeContext) -> None:
    llm.queue(Reply(text="Which order?"), Reply(text="Order 7 ships today"))

    _run(ctx, operation="send_message", message="Where is my order?", session_id="s-1")
    _run(ctx, operation="send_message", message="Number 7", session_id="s-1")

    sent = llm.chat_requests()[1].body["messages"]
    assert [m["content"] for m in sent] == [
        "You are Acme support.",
        "Where is my order?",
        "Which order?",
        "Number 7",
    ]


def test_chunks_go_to_the_stream_sink(llm: FakeLlmServer, ctx: NodeContext) -> None:
    chunks: list[dict[str, Any]] = []
    ctx.services["stream"] = chunks.append
    llm.queue(Reply(text="Streaming reply"))

    _run(ctx, operation="send_message", message="Hi", session_id="s-1")

    assert "".join(c["text"] for c in chunks if c["type"] == "text") == "Streaming reply"
    assert [c["type"] for c in chunks][-2:] == ["usage", "done"]


def test_context_is_given_to_the_chatbot(llm: FakeLlmServer, ctx: NodeContext) -> None:
    llm.queue(Reply(text="ok"))

    _run(ctx, operation="send_message", message="Hi", session_id="s", context={"plan": "pro"})

    assert '{"plan": "pro"}' in llm.chat_requests()[0].body["messages"][-1]["content"]


def test_history_lists_user_and_assistant_messages(llm: FakeLlmServer, ctx: NodeContext) -> None:
    llm.queue(Reply(text="one"), Reply(text="two"))
    _run(ctx, operation="send_message", message="q1", session_id="s-1")
    _run(ctx, operation="send_message", message="q2", session_id="s-1")

    out = _run(ctx, operation="get_history", session_id="s-1", limit=3)

    assert [(m["role"], m["content"]) for m in out["messages"]] == [
        ("assistant", "one"),
        ("user", "q2"),
        ("assistant", "two"),
    ]
    assert out["messages"][0]["created_at"] == "2024-01-01T00:00:00.000Z"


def test_history_of_unknown_session_is_session_not_found(ctx: NodeContext) -> None:
    with pytest.raises(SessionNotFound, match="'nope'"):
        _run(ctx, operation="get_history", session_id="nope")


def test_ended_session_refuses_new_messages(llm: FakeLlmServer, ctx: NodeContext) -> None:
    llm.queue(Reply(text="hi"))
    _run(ctx, operation="send_message", message="Hi", session_id="s-1")

    assert _run(ctx, operation="end_session", session_id="s-1")["status"] == "ended"
    with pytest.raises(ChatbotError, match="has ended"):
        _run(ctx, operation="send_message", message="Again", session_id="s-1")


def test_handed_off_session_records_messages_without_a_bot_answer(
    llm: FakeLlmServer, ctx: NodeContext
) -> None:
    llm.queue(Reply(text="hi"))
    _run(ctx, operation="send_message", message="Hi", session_id="s-1")
    handed = _run(
        ctx, operation="handoff", session_id="s-1", assignee="tier-2", message="A person will take over"
    )

    out = _run(ctx, operation="send_message", message="Hello?", session_id="s-1")

    assert handed["status"] == "handed_off"
    assert (out["reply"], out["status"]) == (None, "handed_off")
    history = _run(ctx, operation="get_history", session_id="s-1")["messages"]
    assert [m["content"] for m in history][-2:] == ["A person will take over", "Hello?"]
    assert len(llm.chat_requests()) == 1


def test_unknown_chatbot_is_chatbot_not_found(ctx: NodeContext) -> None:
    with pytest.raises(ChatbotNotFound, match=r"config\.chatbot_id"):
        _run(ctx, operation="send_message", message="Hi", chatbot_id="ghost")


def test_prebuilt_agent_works_as_a_chatbot(llm: FakeLlmServer, ctx: NodeContext) -> None:
    llm.queue(Reply(text='{"title": "T", "body": "B"}'))

    out = _run(
        ctx, operation="send_message", message="Write a post", chatbot_id="content-creator", session_id="c"
    )

    assert out["reply"] == '{"title": "T", "body": "B"}'


def test_send_without_message_names_the_field(ctx: NodeContext) -> None:
    with pytest.raises(InvalidNodeConfig, match="message"):
        _run(ctx, operation="send_message")
