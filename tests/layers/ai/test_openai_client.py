"""OpenAIChatClient against the loopback fake, through the real openai SDK."""

from __future__ import annotations

import pytest

from deca.ai.client import collect_stream
from deca.ai.errors import ProviderAuthError, ProviderError, ProviderRateLimited
from deca.ai.models import LlmRequest, Message, ToolCall, ToolSpec
from deca.ai.openai_client import OpenAIChatClient
from tests.fakes.llm_server import FakeLlmServer, Reply

WEATHER = ToolSpec(
    name="weather",
    description="Weather of a city",
    parameters={"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]},
)


def _client(llm: FakeLlmServer) -> OpenAIChatClient:
    return OpenAIChatClient(api_key="sk-test", base_url=llm.openai_base_url)


def _request(**extra: object) -> LlmRequest:
    return LlmRequest.model_validate(
        {"model": "gpt-4o-mini", "messages": [{"role": "user", "content": "Hi"}], **extra}
    )


def test_complete_returns_text_usage_and_model(llm: FakeLlmServer) -> None:
    llm.queue(Reply(text="Hello!", input_tokens=9, output_tokens=3))

    response = _client(llm).complete(_request())

    assert (response.text, response.usage.input_tokens, response.usage.output_tokens) == ("Hello!", 9, 3)
    assert (response.model, response.finish_reason) == ("gpt-4o-mini", "stop")


def test_request_carries_system_prompt_tools_and_sampling(llm: FakeLlmServer) -> None:
    llm.queue(Reply(text="ok"))

    _client(llm).complete(_request(system="Be brief", tools=[WEATHER], temperature=0.3, max_tokens=50))

    body = llm.chat_requests()[0].body
    assert body["messages"][0] == {"role": "system", "content": "Be brief"}
    assert body["tools"][0]["function"]["name"] == "weather"
    assert (body["temperature"], body["max_completion_tokens"]) == (0.3, 50)
    assert llm.chat_requests()[0].headers["authorization"] == "Bearer sk-test"


def test_tool_calls_are_parsed_with_their_arguments(llm: FakeLlmServer) -> None:
    llm.queue(Reply(tool_calls=[("weather", {"city": "Oslo"})]))

    response = _client(llm).complete(_request(tools=[WEATHER]))

    assert [(c.name, c.arguments) for c in response.tool_calls] == [("weather", {"city": "Oslo"})]
    assert response.finish_reason == "tool_calls"


def test_tool_results_are_sent_back_as_tool_messages(llm: FakeLlmServer) -> None:
    llm.queue(Reply(text="Sunny"))
    history = [
        Message(role="user", content="Weather?"),
        Message(
            role="assistant", tool_calls=[ToolCall(id="call_1", name="weather", arguments={"city": "Oslo"})]
        ),
        Message(role="tool", tool_call_id="call_1", content='{"sky": "clear"}'),
    ]

    _client(llm).complete(LlmRequest(model="gpt-4o", messages=history, tools=[WEATHER]))

    sent = llm.chat_requests()[0].body["messages"]
    assert sent[1]["tool_calls"][0]["function"] == {"name": "weather", "arguments": '{"city": "Oslo"}'}
    assert sent[2] == {"role": "tool", "tool_call_id": "call_1", "content": '{"sky": "clear"}'}


def test_output_schema_is_sent_as_json_schema_response_format(llm: FakeLlmServer) -> None:
    llm.queue(Reply(text="{}"))
    schema = {"type": "object", "properties": {"a": {"type": "string"}}}

    _client(llm).complete(_request(output_schema=schema))

    assert llm.chat_requests()[0].body["response_format"] == {
        "type": "json_schema",
        "json_schema": {"name": "answer", "schema": schema},
    }


def test_stream_yields_text_deltas_tool_calls_usage_and_done(llm: FakeLlmServer) -> None:
    llm.queue(
        Reply(
            text="Let me check", tool_calls=[("weather", {"city": "Oslo"})], input_tokens=5, output_tokens=4
        )
    )

    chunks = list(_client(llm).stream(_request(tools=[WEATHER])))

    assert "".join(c["text"] for c in chunks if c["type"] == "text") == "Let me check"
    assert len([c for c in chunks if c["type"] == "text"]) > 1
    assert next(c for c in chunks if c["type"] == "tool_call")["arguments"] == {"city": "Oslo"}
    assert chunks[-1]["type"] == "done"
    assert collect_stream(chunks).usage.input_tokens == 5
    assert llm.chat_requests()[0].body["stream_options"] == {"include_usage": True}


@pytest.mark.parametrize(
    ("status", "error"),
    [(429, ProviderRateLimited), (500, ProviderError), (401, ProviderAuthError), (400, ProviderError)],
    ids=["rate-limit", "server-error", "bad-key", "bad-request"],
)
def test_http_errors_map_to_named_errors(llm: FakeLlmServer, status: int, error: type[Exception]) -> None:
    llm.queue(Reply.error(status))

    with pytest.raises(error) as raised:
        _client(llm).complete(_request())

    assert type(raised.value) is error
    assert f"HTTP {status}" in str(raised.value)


def test_rate_limit_is_retryable_and_not_retried_by_the_sdk(llm: FakeLlmServer) -> None:
    llm.queue(Reply.error(429), Reply(text="late"))

    with pytest.raises(ProviderRateLimited) as raised:
        _client(llm).complete(_request())

    assert raised.value.retryable is True
    assert len(llm.chat_requests()) == 1


def test_unreachable_server_is_a_provider_error() -> None:
    client = OpenAIChatClient(api_key="k", base_url="http://127.0.0.1:9/v1", timeout=2)

    with pytest.raises(ProviderError, match="APIConnectionError"):
        client.complete(_request())


def test_embeddings_are_one_vector_per_input(llm: FakeLlmServer) -> None:
    vectors, usage, model = _client(llm).embed("text-embedding-3-small", ["a b", "c"])

    assert len(vectors) == 2 and len(vectors[0]) == 8
    assert (usage.input_tokens, model) == (3, "text-embedding-3-small")


def test_moderation_reports_flagged_categories(llm: FakeLlmServer) -> None:
    flagged, categories, _ = _client(llm).moderate("omni-moderation-latest", ["fine", "i will kill"])

    assert flagged is True
    assert categories["violence"] is True and categories["hate"] is False


def test_compatible_server_gets_max_tokens(llm: FakeLlmServer) -> None:
    llm.queue(Reply(text="ok"))
    client = OpenAIChatClient(api_key="k", base_url=llm.openai_base_url, provider="openai_compatible")

    client.complete(_request(max_tokens=64))

    assert llm.chat_requests()[0].body["max_tokens"] == 64
