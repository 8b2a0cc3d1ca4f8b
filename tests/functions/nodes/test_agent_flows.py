"""Flows with agent nodes run end to end: the real openai SDK against the loopback fake provider."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from deca.cli.main import main
from deca.local.node_tasks import node_task_registry
from deca.nodes.context import NodeContext, StaticSecrets
from deca.stores import memory_stores
from statemachines.compiler import compile_checked, validate_document
from statemachines.runtime import FakeClock, Runtime
from tests.fakes.clock import FakeClock as FakeWallClock
from tests.fakes.llm_server import FakeLlmServer, Reply, llm_server

EXAMPLE = Path(__file__).resolve().parents[3] / "examples" / "agent-structured-tools.json"
ORDERS = [
    {"id": "o-1", "amount": 30.0, "refundable": True},
    {"id": "o-2", "amount": 12.5, "refundable": False},
    {"id": "o-3", "amount": 9.5, "refundable": True},
]
ANSWER = {"refund_due": True, "amount": 39.5, "reply": "We will refund 39.50 for two orders."}


@pytest.fixture
def llm() -> Iterator[FakeLlmServer]:
    """The fake provider, which also serves the orders API the agent's HTTP tool calls."""
    with llm_server() as server:
        server.add_route("GET", "/customers/c-42/orders", ORDERS)
        yield server


def _script_refund_conversation(llm: FakeLlmServer) -> None:
    llm.queue(
        Reply(tool_calls=[("lookup_orders", {"customer_id": "c-42"})], input_tokens=300, output_tokens=20),
        Reply(tool_calls=[("refund_total", {"orders": ORDERS})], input_tokens=400, output_tokens=60),
        Reply(text=json.dumps(ANSWER), input_tokens=500, output_tokens=40),
    )


def _flow_input(llm: FakeLlmServer) -> dict[str, str]:
    return {"customer_id": "c-42", "question": "Can I get my money back?", "orders_api": llm.base_url}


def test_example_runs_with_deca_run_against_the_fake_provider(
    llm: FakeLlmServer, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # Given the SDK's own environment variables point at the fake
    monkeypatch.setenv("OPENAI_API_KEY", "sk-local")
    monkeypatch.setenv("OPENAI_BASE_URL", llm.openai_base_url)
    _script_refund_conversation(llm)

    # When the example runs through the CLI
    code = main(["run", str(EXAMPLE), "--json", "--input", json.dumps(_flow_input(llm))])

    # Then the agent called both tools and its structured answer routed the flow
    result = json.loads(capsys.readouterr().out)
    assert (code, result["status"]) == (0, "SUCCEEDED")
    agent = result["nodes"]["assistant"]["output"]
    assert agent["data"] == ANSWER
    assert [c["name"] for c in agent["tool_calls"]] == ["lookup_orders", "refund_total"]
    assert agent["tool_calls"][1]["result"] == {"count": 2, "total": 39.5}
    assert agent["usage"] == {
        "input_tokens": 1200,
        "output_tokens": 120,
        "total_tokens": 1320,
        "cost_usd": pytest.approx((1200 * 0.15 + 120 * 0.6) / 1e6),
    }
    assert result["nodes"]["approve"]["status"] == "succeeded"
    assert result["nodes"]["decline"]["status"] == "skipped"


def test_example_sends_the_tools_and_the_answer_schema_to_the_model(
    llm: FakeLlmServer, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-local")
    monkeypatch.setenv("OPENAI_BASE_URL", llm.openai_base_url)
    _script_refund_conversation(llm)

    main(["run", str(EXAMPLE), "--json", "--input", json.dumps(_flow_input(llm))])
    capsys.readouterr()

    first = llm.chat_requests()[0].body
    assert [t["function"]["name"] for t in first["tools"]] == ["lookup_orders", "refund_total"]
    assert first["response_format"]["json_schema"]["schema"]["required"] == ["refund_due", "amount", "reply"]
    assert first["messages"][1]["content"] == "Customer c-42 asks: Can I get my money back?"
    assert any(r.path == "/customers/c-42/orders" for r in llm.requests)


CATCH_FLOW: dict[str, Any] = {
    "id": "agent-catch",
    "name": "Agent with a fallback",
    "version": 1,
    "triggers": [{"type": "manual"}],
    "nodes": [
        {
            "id": "summarise",
            "type": "agent",
            "config": {
                "provider": "openai",
                "model": "gpt-4o-mini",
                "prompt": "Summarise {{ input.text }}",
                "credential_id": "openai-test",
            },
            "retry": {"errors": ["ProviderRateLimited"], "max_attempts": 2, "interval_seconds": 5},
            "on_error": {"action": "route", "route_to": "fallback", "errors": ["ProviderError"]},
        },
        {"id": "fallback", "type": "set", "config": {"values": {"summary": "unavailable"}}},
        {"id": "done", "type": "set", "config": {"values": {"summary": "{{ summarise.text }}"}}},
    ],
    "connections": [{"from": "summarise", "to": "done"}],
}


def _run_catch_flow(llm: FakeLlmServer) -> dict[str, Any]:
    secrets = StaticSecrets({("local", "openai-test"): {"api_key": "sk", "base_url": llm.openai_base_url}})
    context = NodeContext(
        workspace_id="local", stores=memory_stores(), clock=FakeWallClock(), secrets=secrets
    )
    runtime = Runtime(tasks=node_task_registry(context=context), clock=FakeClock())
    asl = compile_checked(validate_document(CATCH_FLOW))
    return runtime.start(asl, {"text": "a long report"}, name="catch-1").to_dict()


def test_rate_limit_is_retried_then_a_server_error_takes_the_catch_path(llm: FakeLlmServer) -> None:
    # Given the provider answers 429, then 500
    llm.queue(Reply.error(429), Reply.error(500))

    # When the flow runs
    result = _run_catch_flow(llm)

    # Then the 429 was retried once, the 500 was caught and the fallback ran instead of `done`
    assert result["status"] == "SUCCEEDED"
    assert len(llm.chat_requests()) == 2
    assert result["output"]["summarise"]["error"] == "ProviderError"
    assert result["output"]["fallback"] == {"summary": "unavailable"}
    assert result["output"].get("done") is None


def test_rate_limit_then_success_continues_normally(llm: FakeLlmServer) -> None:
    llm.queue(Reply.error(429), Reply(text="Short."))

    result = _run_catch_flow(llm)

    assert result["status"] == "SUCCEEDED"
    assert result["output"]["done"] == {"summary": "Short."}


def test_example_runs_on_anthropic_with_the_same_tools(
    llm: FakeLlmServer, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    # Given the example switched to Anthropic, whose SDK environment points at the fake
    document = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    document["nodes"][0]["config"].update(provider="anthropic", model="claude-haiku-4-5")
    flow = tmp_path / "anthropic-flow.json"
    flow.write_text(json.dumps(document), encoding="utf-8")
    monkeypatch.setenv("ANTHROPIC_API_KEY", "sk-ant-local")
    monkeypatch.setenv("ANTHROPIC_BASE_URL", llm.base_url)
    _script_refund_conversation(llm)

    # When it runs
    code = main(["run", str(flow), "--json", "--input", json.dumps(_flow_input(llm))])

    # Then the Messages API carried the tool results and the structured answer came back
    result = json.loads(capsys.readouterr().out)
    assert (code, result["status"]) == (0, "SUCCEEDED"), result.get("cause")
    assert result["nodes"]["assistant"]["output"]["data"] == ANSWER
    last = llm.chat_requests()[-1].body["messages"]
    assert last[-1]["content"][0]["type"] == "tool_result"
    assert all(r.path == "/v1/messages" for r in llm.chat_requests())


def test_catch_path_runs_with_deca_run_after_a_429_then_a_500(
    llm: FakeLlmServer, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    # Given a flow whose agent retries rate limits (after 1 s of wall time) and routes provider errors
    document = json.loads(json.dumps(CATCH_FLOW))
    document["nodes"][0]["config"].pop("credential_id")
    document["nodes"][0]["retry"]["interval_seconds"] = 1
    flow = tmp_path / "catch.json"
    flow.write_text(json.dumps(document), encoding="utf-8")
    monkeypatch.setenv("OPENAI_API_KEY", "sk-local")
    monkeypatch.setenv("OPENAI_BASE_URL", llm.openai_base_url)
    llm.queue(Reply.error(429), Reply.error(500))

    # When it runs through the CLI
    code = main(["run", str(flow), "--json", "--input", '{"text": "a report"}'])

    # Then the caught ProviderError is the node's output and the fallback ran instead of `done`
    result = json.loads(capsys.readouterr().out)
    assert (code, result["status"]) == (0, "SUCCEEDED")
    assert result["nodes"]["summarise"]["output"]["error"] == "ProviderError"
    assert "HTTP 500" in result["nodes"]["summarise"]["output"]["cause"]
    assert result["nodes"]["fallback"]["output"] == {"summary": "unavailable"}
    assert result["nodes"]["done"]["status"] == "skipped"
    assert len(llm.chat_requests()) == 2
