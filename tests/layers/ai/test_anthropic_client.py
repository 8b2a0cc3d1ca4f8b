"""AnthropicClient against the loopback fake, through the real anthropic SDK."""

from __future__ import annotations

import pytest

from deca.ai.anthropic_client import AnthropicClient, _params
from deca.ai.client import collect_stream
from deca.ai.errors import ProviderAuthError, ProviderError, ProviderRateLimited
from deca.ai.models import LlmRequest, Message, ToolCall, ToolSpec
from tests.fakes.llm_server import FakeLlmServer, Reply

LOOKUP = ToolSpec(name="lookup", parameters={"type": "object", "properties": {"id": {"type": "string"}}})


def _client(llm: FakeLlmServer) -> AnthropicClient:
    return AnthropicClient(api_key="sk-ant-test", base_url=llm.base_url)


def _request(**extra: object) -> LlmRequest:
    return LlmRequest.model_validate(
        {"model": "claude-sonnet-4-6", "messages": [{"role": "user", "content": "Hi"}], **extra}
    )


def test_complete_returns_text_and_usage(llm: FakeLlmServer) -> None:
    llm.queue(Reply(text="Hello", input_tokens=20, output_tokens=2))

    response = _client(llm).complete(_request())

    assert (response.text, response.usage.input_tokens, response.usage.output_tokens) == ("Hello", 20, 2)
    assert response.finish_reason == "end_turn"


def test_request_has_system_tools_and_default_max_tokens(llm: FakeLlmServer) -> None:
    llm.queue(Reply(text="ok"))

    _client(llm).complete(_request(system="Be brief", tools=[LOOKUP]))

    request = llm.chat_requests()[0]
    assert request.body["system"] == "Be brief"
    assert request.body["tools"][0] == {
        "name": "lookup",
        "description": "",
        "input_schema": LOOKUP.parameters,
    }
    assert request.body["max_tokens"] == 4096
    assert "sk-ant-test" in (request.headers.get("x-api-key") or request.headers["authorization"])


def test_tool_use_blocks_become_tool_calls(llm: FakeLlmServer) -> None:
    llm.queue(Reply(text="Checking", tool_calls=[("lookup", {"id": "42"})]))

    response = _client(llm).complete(_request(tools=[LOOKUP]))

    assert [(c.name, c.arguments) for c in response.tool_calls] == [("lookup", {"id": "42"})]
    assert response.finish_reason == "tool_use"


def test_several_tool_results_share_one_user_turn(llm: FakeLlmServer) -> None:
    llm.queue(Reply(text="done"))
    calls = [
        ToolCall(id="t1", name="lookup", arguments={"id": "1"}),
        ToolCall(id="t2", name="lookup", arguments={}),
    ]
    history = [
        Message(role="user", content="Look up two"),
        Message(role="assistant", tool_calls=calls),
        Message(role="tool", tool_call_id="t1", content="one"),
        Message(role="tool", tool_call_id="t2", content="two"),
    ]

    _client(llm).complete(LlmRequest(model="claude-sonnet-4-6", messages=history))

    sent = llm.chat_requests()[0].body["messages"]
    assert [m["role"] for m in sent] == ["user", "assistant", "user"]
    assert [b["tool_use_id"] for b in sent[2]["content"]] == ["t1", "t2"]


def test_output_schema_is_sent_as_the_output_format(llm: FakeLlmServer) -> None:
    llm.queue(Reply(text="{}"))
    schema = {"type": "object", "properties": {"a": {"type": "string"}}}

    _client(llm).complete(_request(system="Analyst", output_schema=schema))

    body = llm.chat_requests()[0].body
    assert body["output_config"] == {"format": {"type": "json_schema", "schema": schema}}
    assert body["system"] == "Analyst"


def test_sdk_without_output_format_gets_the_schema_in_the_system_prompt() -> None:
    request = LlmRequest.model_validate(
        {
            "model": "m",
            "messages": [{"role": "user", "content": "x"}],
            "system": "Analyst",
            "output_schema": {"type": "object"},
            "temperature": 1.5,
        }
    )

    params = _params(request, frozenset({"model", "messages", "max_tokens", "system", "temperature"}))

    assert params["system"].startswith("Analyst") and '{"type": "object"}' in params["system"]
    assert "output_config" not in params
    assert params["temperature"] == 1.0


def test_temperature_is_left_out_when_the_sdk_has_none(llm: FakeLlmServer) -> None:
    llm.queue(Reply(text="ok"))
    client = _client(llm)

    client.complete(_request(temperature=0.2))

    sent = "temperature" in llm.chat_requests()[0].body
    assert sent == ("temperature" in client._accepted)


def test_stream_yields_text_tool_calls_and_counts_tokens_once(llm: FakeLlmServer) -> None:
    llm.queue(
        Reply(text="Checking now", tool_calls=[("lookup", {"id": "7"})], input_tokens=11, output_tokens=6)
    )

    chunks = list(_client(llm).stream(_request(tools=[LOOKUP])))
    response = collect_stream(chunks)

    assert response.text == "Checking now"
    assert [(c.name, c.arguments) for c in response.tool_calls] == [("lookup", {"id": "7"})]
    assert (response.usage.input_tokens, response.usage.output_tokens) == (11, 6)
    assert response.finish_reason == "tool_use"


@pytest.mark.parametrize(
    ("status", "error"),
    [(429, ProviderRateLimited), (529, ProviderRateLimited), (500, ProviderError), (401, ProviderAuthError)],
    ids=["rate-limit", "overloaded", "server-error", "bad-key"],
)
def test_http_errors_map_to_named_errors(llm: FakeLlmServer, status: int, error: type[Exception]) -> None:
    llm.queue(Reply.error(status))

    with pytest.raises(error) as raised:
        _client(llm).complete(_request())

    assert type(raised.value) is error
    assert len(llm.chat_requests()) == 1


def test_stream_error_status_is_a_named_error(llm: FakeLlmServer) -> None:
    llm.queue(Reply.error(429))

    with pytest.raises(ProviderRateLimited, match="rate limit"):
        list(_client(llm).stream(_request()))
