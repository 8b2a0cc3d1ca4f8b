"""Tools: HTTP calls, sandboxed functions, flows and knowledge-base searches."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from deca.ai.definition import ToolDefinition
from deca.ai.errors import ToolError
from deca.ai.tools import MemoryKnowledgeBase, SandboxFunctions, ToolRunner, tool_spec
from tests.fakes.llm_server import FakeLlmServer


def _runner(**ports: Any) -> ToolRunner:
    return ToolRunner(workspace_id="ws", http=lambda: httpx.Client(), **ports)


def test_http_get_fills_url_placeholders_and_sends_the_rest_as_query(llm: FakeLlmServer) -> None:
    llm.add_route("GET", "/customers/c%2F1/orders", {"orders": [1, 2]})
    tool = ToolDefinition(name="orders", type="http", url=llm.base_url + "/customers/{customer}/orders")

    result = _runner().call(tool, {"customer": "c/1", "status": "open"})

    assert result == {"orders": [1, 2]}
    assert llm.requests[-1].path == "/customers/c%2F1/orders?status=open"


def test_http_post_sends_arguments_as_json_body(llm: FakeLlmServer) -> None:
    llm.add_route("POST", "/tickets", {"id": "T-1"}, status=201)
    tool = ToolDefinition(
        name="ticket",
        type="http",
        method="POST",
        url=llm.base_url + "/tickets",
        headers={"x-team": "support"},
    )

    result = _runner().call(tool, {"subject": "Broken"})

    assert result == {"id": "T-1"}
    assert llm.requests[-1].body == {"subject": "Broken"}
    assert llm.requests[-1].headers["x-team"] == "support"


def test_http_error_status_is_a_tool_error(llm: FakeLlmServer) -> None:
    tool = ToolDefinition(name="missing", type="http", url=llm.base_url + "/nothing")

    with pytest.raises(ToolError, match="HTTP 404") as raised:
        _runner().call(tool, {})

    assert raised.value.tool == "missing"


def test_http_placeholder_without_argument_is_a_tool_error() -> None:
    tool = ToolDefinition(name="orders", type="http", url="http://127.0.0.1:9/c/{customer}")

    with pytest.raises(ToolError, match="argument 'customer'"):
        _runner().call(tool, {})


def test_knowledge_base_tool_searches_with_the_query() -> None:
    kb = MemoryKnowledgeBase()
    kb.add("ws", "help", "d1", "How to reset your password")
    kb.add("ws", "help", "d2", "Shipping times")
    tool = ToolDefinition(name="help", type="knowledge_base", knowledge_base_id="help", top_k=1)

    result = _runner(knowledge_base=kb).call(tool, {"query": "reset password"})

    assert [d["id"] for d in result] == ["d1"]


def test_knowledge_base_of_another_workspace_is_not_searched() -> None:
    kb = MemoryKnowledgeBase()
    kb.add("other", "help", "d1", "reset password")
    tool = ToolDefinition(name="help", type="knowledge_base", knowledge_base_id="help")

    assert _runner(knowledge_base=kb).call(tool, {"query": "reset password"}) == []


def test_knowledge_base_tool_is_described_with_a_query_parameter() -> None:
    tool = ToolDefinition(name="help", type="knowledge_base", knowledge_base_id="help")

    assert tool_spec(tool).parameters["required"] == ["query"]


def test_flow_tool_runs_the_flow_through_the_port() -> None:
    class Flows:
        def run_flow(self, workspace_id: str, flow_id: str, flow_input: dict[str, Any]) -> Any:
            return {"ran": (workspace_id, flow_id, flow_input)}

    tool = ToolDefinition(name="enrich", type="flow", flow_id="lead-enrichment")

    assert _runner(flows=Flows()).call(tool, {"email": "a@b.c"}) == {
        "ran": ("ws", "lead-enrichment", {"email": "a@b.c"})
    }


def test_flow_tool_without_a_runner_is_a_tool_error() -> None:
    tool = ToolDefinition(name="enrich", type="flow", flow_id="f")

    with pytest.raises(ToolError, match="no flow runner"):
        _runner().call(tool, {})


def test_function_tool_runs_inline_python_in_the_sandbox() -> None:
    tool = ToolDefinition(
        name="add", type="function", source="def main(input):\n    return input['a'] + input['b']\n"
    )

    assert _runner(functions=SandboxFunctions()).call(tool, {"a": 2, "b": 3}) == 5


def test_function_tool_goes_to_the_context_code_runner_when_there_is_one() -> None:
    # Given a code runner port (on AWS: the isolated code-runner Lambda) that records its requests
    from deca.ai.agents import tool_runner
    from deca.nodes.context import NodeContext
    from deca.sandbox import CodeResult
    from deca.stores import memory_stores
    from tests.fakes.clock import FakeClock

    seen: list[Any] = []

    def runner(request: Any, task: Any) -> CodeResult:
        seen.append((request.source, request.input, task))
        return CodeResult(result=42, logs="", duration_ms=1, layers=())

    ctx = NodeContext(
        workspace_id="ws", stores=memory_stores(), clock=FakeClock(), services={"code_runner": runner}
    )
    tool = ToolDefinition(name="answer", type="function", source="def main(input):\n    return 0\n")

    # When an agent's tool runner calls the function tool
    result = tool_runner(ctx).call(tool, {"q": 1})

    # Then the runner ran it (not a sandbox started from the agent's own process)
    assert result == 42
    assert seen == [("def main(input):\n    return 0\n", {"q": 1}, None)]


def test_failing_function_is_a_tool_error_naming_the_cause() -> None:
    tool = ToolDefinition(
        name="boom", type="function", source="def main(input):\n    raise ValueError('bad')\n"
    )

    with pytest.raises(ToolError, match="tool 'boom' failed: Code"):
        _runner(functions=SandboxFunctions()).call(tool, {})


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"type": "http"}, "needs `url`"),
        ({"type": "flow"}, "needs `flow_id`"),
        ({"type": "function"}, "exactly one of `function_id` or `source`"),
        ({"type": "knowledge_base"}, "needs `knowledge_base_id`"),
    ],
    ids=["http", "flow", "function", "knowledge_base"],
)
def test_tool_definition_names_its_missing_field(fields: dict[str, str], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        ToolDefinition.model_validate({"name": "t", **fields})
