"""The openai node through `run_node`: chat, JSON answers, embeddings, moderation, images, errors."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from deca.ai.errors import ProviderError, ProviderRateLimited, StructuredOutputInvalid
from deca.nodes.context import NodeContext, StaticSecrets
from deca.nodes.handlers import InvalidNodeConfig, run_node
from deca.nodes.task import ExecutionInfo, NodeTask
from deca.stores import memory_stores
from tests.fakes.clock import FakeClock
from tests.fakes.llm_server import FakeLlmServer, Reply, llm_server

WS = "ws-1"


@pytest.fixture
def llm() -> Iterator[FakeLlmServer]:
    """The fake provider."""
    with llm_server() as server:
        yield server


@pytest.fixture
def ctx(llm: FakeLlmServer) -> NodeContext:
    """A context whose `openai-test` credential points at the fake."""
    secrets = StaticSecrets({(WS, "openai-test"): {"api_key": "sk", "base_url": llm.openai_base_url}})
    return NodeContext(workspace_id=WS, stores=memory_stores(), clock=FakeClock(), secrets=secrets)


def _run(ctx: NodeContext, **config: Any) -> Any:
    task = NodeTask(
        execution=ExecutionInfo(id="e"),
        workspace_id=WS,
        flow_id="f",
        node_id="n",
        node_type="openai",
        config={"credential_id": "openai-test", **config},
    )
    return run_node(task, ctx)


def _chat(**extra: Any) -> dict[str, Any]:
    messages = [{"role": "system", "content": "Be terse"}, {"role": "user", "content": "Hi"}]
    return {"operation": "chat", "model": "gpt-4o-mini", "messages": messages, **extra}


def test_chat_answers_with_usage_and_cost(llm: FakeLlmServer, ctx: NodeContext) -> None:
    llm.queue(Reply(text="Hello", input_tokens=2000, output_tokens=1000))

    out = _run(ctx, **_chat(temperature=0.5))

    assert (out["text"], out["finish_reason"], out["model"]) == ("Hello", "stop", "gpt-4o-mini")
    assert out["usage"] == {"input_tokens": 2000, "output_tokens": 1000, "cost_usd": 0.0009}
    body = llm.chat_requests()[0].body
    assert body["messages"] == [{"role": "system", "content": "Be terse"}, {"role": "user", "content": "Hi"}]
    assert body["temperature"] == 0.5


def test_json_object_answer_is_parsed_into_data(llm: FakeLlmServer, ctx: NodeContext) -> None:
    llm.queue(Reply(text='{"sentiment": "positive"}'))

    out = _run(ctx, **_chat(response_format="json_object"))

    assert out["data"] == {"sentiment": "positive"}
    assert llm.chat_requests()[0].body["response_format"] == {"type": "json_object"}


def test_json_object_answer_that_is_not_json_is_invalid(llm: FakeLlmServer, ctx: NodeContext) -> None:
    llm.queue(Reply(text="positive"))

    with pytest.raises(StructuredOutputInvalid, match="not JSON"):
        _run(ctx, **_chat(response_format="json_object"))


def test_embedding_returns_one_vector_per_input(ctx: NodeContext) -> None:
    out = _run(ctx, operation="embedding", model="text-embedding-3-small", input=["one", "two words"])

    assert len(out["embeddings"]) == 2
    assert out["usage"]["input_tokens"] == 3


def test_moderation_reports_flagged_categories(ctx: NodeContext) -> None:
    out = _run(ctx, operation="moderation", model="omni-moderation-latest", input="I hate this")

    assert out["flagged"] is True and out["categories"]["hate"] is True


def test_image_returns_urls(ctx: NodeContext, llm: FakeLlmServer) -> None:
    out = _run(ctx, operation="image", model="dall-e-3", prompt="A lighthouse", n=2, size="1024x1024")

    assert len(out["images"]) == 2
    assert llm.requests[-1].body == {
        "model": "dall-e-3",
        "prompt": "A lighthouse",
        "n": 2,
        "size": "1024x1024",
    }


def test_compatible_base_url_in_config_wins(llm: FakeLlmServer, ctx: NodeContext) -> None:
    llm.queue(Reply(text="from config url"))
    ctx.secrets = StaticSecrets({(WS, "openai-test"): {"api_key": "sk"}})

    out = _run(ctx, **_chat(base_url=llm.openai_base_url))

    assert out["text"] == "from config url"


@pytest.mark.parametrize(
    ("status", "error"), [(429, ProviderRateLimited), (500, ProviderError)], ids=["429", "500"]
)
def test_provider_errors_are_named(
    llm: FakeLlmServer, ctx: NodeContext, status: int, error: type[Exception]
) -> None:
    llm.queue(Reply.error(status))

    with pytest.raises(error):
        _run(ctx, **_chat())


def test_embedding_error_status_is_named(llm: FakeLlmServer, ctx: NodeContext) -> None:
    llm.queue(Reply.error(429))

    with pytest.raises(ProviderRateLimited):
        _run(ctx, operation="embedding", model="text-embedding-3-small", input="x")


def test_chat_without_messages_names_the_field(ctx: NodeContext) -> None:
    with pytest.raises(InvalidNodeConfig, match="messages"):
        _run(ctx, operation="chat", model="gpt-4o-mini")
