"""The tool-calling loop, driven by the real SDKs against the fake provider."""

from __future__ import annotations

import itertools
import json
from typing import Any

import pytest

from deca.ai.anthropic_client import AnthropicClient
from deca.ai.client import LlmClient
from deca.ai.definition import AgentDefinition, ToolDefinition
from deca.ai.errors import AgentError, StructuredOutputInvalid
from deca.ai.loop import AgentRun, run_agent, sse_event, stream_agent
from deca.ai.openai_client import OpenAIChatClient
from deca.ai.tools import ToolRunner
from tests.fakes.llm_server import FakeLlmServer, Reply

SCHEMA = {
    "type": "object",
    "properties": {"answer": {"type": "string"}, "total": {"type": "number"}},
    "required": ["answer", "total"],
}


class _Recorder(ToolRunner):
    """A ToolRunner whose tools answer from a table and record their calls."""

    def __init__(self, results: dict[str, Any]) -> None:
        super().__init__(workspace_id="ws")
        self.results = results
        self.calls: list[tuple[str, dict[str, Any]]] = []

    def call(self, tool: ToolDefinition, arguments: Any) -> Any:
        self.calls.append((tool.name, dict(arguments)))
        return self.results[tool.name]


def _tool(name: str, **properties: str) -> ToolDefinition:
    return ToolDefinition(
        name=name,
        type="http",
        url="http://tools.invalid/" + name,
        parameters={
            "type": "object",
            "properties": {k: {"type": v} for k, v in properties.items()},
            "required": list(properties),
        },
    )


def _client(llm: FakeLlmServer, provider: str) -> LlmClient:
    if provider == "anthropic":
        return AnthropicClient(api_key="k", base_url=llm.base_url)
    return OpenAIChatClient(api_key="k", base_url=llm.openai_base_url)


def _run(client: LlmClient, tools: ToolRunner, **agent: Any) -> AgentRun:
    definition = AgentDefinition.model_validate(
        {
            "model": "gpt-4o-mini",
            "tools": [_tool("orders", customer="string"), _tool("refunds", order="string")],
            **agent,
        }
    )
    return AgentRun(definition=definition, client=client, tools=tools)


def _two_tools_then_answer(llm: FakeLlmServer) -> None:
    llm.queue(
        Reply(tool_calls=[("orders", {"customer": "c1"})], input_tokens=100, output_tokens=10),
        Reply(tool_calls=[("refunds", {"order": "o9"})], input_tokens=150, output_tokens=10),
        Reply(text='{"answer": "one refund", "total": 25}', input_tokens=200, output_tokens=20),
    )


@pytest.mark.parametrize("provider", ["openai", "anthropic"])
def test_agent_calls_two_tools_then_answers_in_structured_output(llm: FakeLlmServer, provider: str) -> None:
    _two_tools_then_answer(llm)
    tools = _Recorder({"orders": [{"id": "o9"}], "refunds": {"amount": 25}})

    result = run_agent(_run(_client(llm, provider), tools, output_schema=SCHEMA), "Refunds of c1?")

    assert tools.calls == [("orders", {"customer": "c1"}), ("refunds", {"order": "o9"})]
    assert result.data == {"answer": "one refund", "total": 25}
    assert [c["result"] for c in result.tool_calls] == [[{"id": "o9"}], {"amount": 25}]
    assert (result.usage.input_tokens, result.usage.output_tokens, result.iterations) == (450, 40, 3)


def test_cost_is_estimated_from_the_model_price(llm: FakeLlmServer) -> None:
    llm.queue(Reply(text="hi", input_tokens=1_000_000, output_tokens=1_000_000))

    result = run_agent(_run(_client(llm, "openai"), _Recorder({})), "Hi")

    assert result.cost_usd == pytest.approx(0.15 + 0.60)


def test_tool_results_reach_the_model_in_the_next_call(llm: FakeLlmServer) -> None:
    _two_tools_then_answer(llm)

    run_agent(
        _run(_client(llm, "openai"), _Recorder({"orders": ["o9"], "refunds": "none"}), output_schema=SCHEMA),
        "q",
    )

    last = llm.chat_requests()[-1].body["messages"]
    assert [m["role"] for m in last] == ["user", "assistant", "tool", "assistant", "tool"]
    assert last[2]["content"] == '["o9"]'


def test_unknown_tool_is_reported_back_to_the_model(llm: FakeLlmServer) -> None:
    llm.queue(Reply(tool_calls=[("delete_everything", {})]), Reply(text="Sorry"))
    tools = _Recorder({})

    result = run_agent(_run(_client(llm, "openai"), tools), "q")

    assert tools.calls == []
    assert "unknown tool 'delete_everything'" in result.tool_calls[0]["error"]
    assert "unknown tool" in llm.chat_requests()[1].body["messages"][-1]["content"]
    assert result.text == "Sorry"


def test_arguments_not_matching_the_tool_schema_are_reported_back(llm: FakeLlmServer) -> None:
    llm.queue(Reply(tool_calls=[("orders", {"customer": 5})]), Reply(text="fixed"))
    tools = _Recorder({"orders": []})

    result = run_agent(_run(_client(llm, "openai"), tools), "q")

    assert tools.calls == []
    assert result.tool_calls[0]["error"].startswith("invalid arguments at '/customer'")


def test_loop_stops_after_max_iterations(llm: FakeLlmServer) -> None:
    llm.queue(*[Reply(tool_calls=[("orders", {"customer": "c"})]) for _ in range(3)])

    with pytest.raises(AgentError, match="max_iterations=3") as raised:
        run_agent(_run(_client(llm, "openai"), _Recorder({"orders": []}), max_iterations=3), "q")

    assert raised.value.field == "max_iterations"
    assert len(llm.chat_requests()) == 3


def test_loop_stops_when_the_time_budget_is_spent(llm: FakeLlmServer) -> None:
    llm.queue(Reply(tool_calls=[("orders", {"customer": "c"})]), Reply(text="late"))
    ticks = itertools.count(0, 100)
    run = _run(_client(llm, "openai"), _Recorder({"orders": []}))
    run.timeout_seconds, run.monotonic = 150, lambda: float(next(ticks))

    with pytest.raises(AgentError, match="timeout_seconds=150"):
        run_agent(run, "q")

    assert len(llm.chat_requests()) == 1


def test_invalid_structured_answer_is_retried_with_the_problem(llm: FakeLlmServer) -> None:
    llm.queue(Reply(text='{"answer": "x"}'), Reply(text='{"answer": "x", "total": 1}'))

    result = run_agent(_run(_client(llm, "openai"), _Recorder({}), output_schema=SCHEMA), "q")

    assert result.data == {"answer": "x", "total": 1}
    assert "'total' is a required property" in llm.chat_requests()[1].body["messages"][-1]["content"]


def test_structured_answer_still_invalid_on_the_last_iteration_fails(llm: FakeLlmServer) -> None:
    llm.queue(Reply(text="not json"), Reply(text="still not"))

    with pytest.raises(StructuredOutputInvalid, match="not JSON"):
        run_agent(_run(_client(llm, "openai"), _Recorder({}), output_schema=SCHEMA, max_iterations=2), "q")


@pytest.mark.parametrize("provider", ["openai", "anthropic"])
def test_stream_yields_text_tool_calls_results_usage_and_done(llm: FakeLlmServer, provider: str) -> None:
    llm.queue(Reply(tool_calls=[("orders", {"customer": "c1"})]), Reply(text="You have one order."))

    chunks = list(stream_agent(_run(_client(llm, provider), _Recorder({"orders": ["o1"]})), "q"))

    kinds = [c["type"] for c in chunks]
    assert kinds[:2] == ["tool_call", "tool_result"] and kinds[-2:] == ["usage", "done"]
    assert "".join(c["text"] for c in chunks if c["type"] == "text") == "You have one order."
    assert kinds.count("text") > 1
    assert chunks[-1]["result"]["text"] == "You have one order."


def test_chunks_render_as_server_sent_events(llm: FakeLlmServer) -> None:
    llm.queue(Reply(text="Hi"))

    events = [sse_event(c) for c in stream_agent(_run(_client(llm, "openai"), _Recorder({})), "q")]

    assert all(e.startswith("data: {") and e.endswith("}\n\n") for e in events)
    assert json.loads(events[-1].removeprefix("data: "))["result"]["text"] == "Hi"
    assert '"type": "done"' in events[-1] and '"text": "Hi"' in events[-1]


def test_huge_tool_result_is_truncated_for_the_model(llm: FakeLlmServer) -> None:
    llm.queue(Reply(tool_calls=[("orders", {"customer": "c"})]), Reply(text="ok"))

    result = run_agent(_run(_client(llm, "openai"), _Recorder({"orders": "x" * 60_000})), "q")

    sent = llm.chat_requests()[1].body["messages"][-1]["content"]
    assert sent.endswith("…(truncated)") and len(sent) < 50_100
    assert len(result.tool_calls[0]["result"]) == 60_000
