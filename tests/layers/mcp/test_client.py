"""The MCP client (official SDK) against a tiny stdio server and the platform's HTTP server; agents use MCP tools."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from deca.ai.definition import ToolDefinition
from deca.ai.errors import ToolError
from deca.ai.tools import ToolRunner
from deca.errors import DecaError
from deca.mcp import McpServer, McpServerUnavailable, McpToolError
from deca.mcp.client import McpClient
from deca.mcp.tools import mcp_tool_definitions
from deca.net import OutboundPolicy, OutboundRequestBlocked, guarded_client
from deca.nodes.context import NodeContext, StaticSecrets
from deca.nodes.handlers import run_node
from deca.nodes.task import ExecutionInfo, NodeTask
from deca.stores import memory_stores
from tests.fakes.clock import FakeClock
from tests.fakes.llm_server import FakeLlmServer, Reply, llm_server
from tests.layers.mcp.conftest import Platform

TINY = McpServer(
    transport="stdio", command=sys.executable, args=[str(Path(__file__).with_name("tiny_server.py"))]
)
WS = "ws-agent"


def test_lists_the_tools_of_a_stdio_server() -> None:
    tools = {tool.name: tool for tool in McpClient().list_tools(TINY)}

    assert set(tools) == {"add", "shout", "boom"}
    assert tools["add"].input_schema["required"] == ["a", "b"]


def test_calls_a_tool_of_a_stdio_server() -> None:
    result = McpClient().call_tool(TINY, "add", {"a": 2, "b": 3})

    assert result.text == "5"
    assert result.structured == {"result": 5}


def test_tool_reporting_an_error_raises_mcp_tool_error() -> None:
    with pytest.raises(McpToolError, match="it broke"):
        McpClient().call_tool(TINY, "boom", {})


def test_server_that_cannot_start_is_unavailable(tmp_path: Path) -> None:
    broken = McpServer(transport="stdio", command=str(tmp_path / "missing-program"))

    with pytest.raises(McpServerUnavailable):
        McpClient().list_tools(broken)


def test_http_server_that_is_not_listening_is_unavailable() -> None:
    nowhere = McpServer(url="http://127.0.0.1:9/mcp", timeout_seconds=5)

    with pytest.raises(McpServerUnavailable):
        McpClient().list_tools(nowhere)


def test_client_calls_the_platform_server_over_streamable_http(platform: Platform) -> None:
    server = McpServer(url=platform.url).with_bearer(platform.token())

    result = McpClient().call_tool(server, "flow_greet", {"name": "Bo"})

    assert result.structured == {"hello": {"greeting": "Hello Bo"}}


def test_server_tools_become_agent_tools_of_type_mcp() -> None:
    definitions = {d.name: d for d in mcp_tool_definitions(TINY, prefix="tiny_")}

    assert definitions["tiny_add"].type == "mcp" and definitions["tiny_add"].mcp_tool == "add"
    assert definitions["tiny_add"].parameters["properties"]["a"]["type"] == "integer"


def test_tool_runner_runs_an_mcp_tool() -> None:
    [shout] = [d for d in mcp_tool_definitions(TINY) if d.name == "shout"]

    assert ToolRunner(workspace_id=WS).call(shout, {"text": "hi"}) == {"result": "HI"}


def test_inline_stdio_server_not_registered_by_the_platform_is_refused(tmp_path: Path) -> None:
    tool = ToolDefinition(
        name="evil",
        type="mcp",
        mcp_server=McpServer(transport="stdio", command="/bin/sh", args=["-c", f"touch {tmp_path}/pwned"]),
    )

    with pytest.raises(DecaError, match="not registered"):
        ToolRunner(workspace_id=WS).call(tool, {})
    assert not (tmp_path / "pwned").exists()


@pytest.fixture
def llm() -> Iterator[FakeLlmServer]:
    """A fake OpenAI server on loopback."""
    with llm_server() as server:
        yield server


def _agent_task(config: dict[str, Any]) -> NodeTask:
    return NodeTask(
        execution=ExecutionInfo(id="exec-1"),
        workspace_id=WS,
        flow_id="f",
        node_id="ask",
        node_type="agent",
        config=config,
    )


def test_agent_calls_a_tool_of_a_local_mcp_server(llm: FakeLlmServer) -> None:
    secrets = StaticSecrets({(WS, "openai-test"): {"api_key": "sk-test", "base_url": llm.openai_base_url}})
    ctx = NodeContext(workspace_id=WS, stores=memory_stores(), clock=FakeClock(), secrets=secrets)
    ctx.services["tools"] = {d.name: d for d in mcp_tool_definitions(TINY, prefix="tiny_")}
    llm.queue(Reply(tool_calls=[("tiny_add", {"a": 20, "b": 22})]), Reply(text="It is 42"))
    config = {"provider": "openai", "model": "gpt-4o", "credential_id": "openai-test", "prompt": "20+22?"}

    out = run_node(_agent_task({**config, "tools": ["tiny_add"]}), ctx)

    assert out["text"] == "It is 42"
    assert out["tool_calls"][0]["result"] == {"result": 42}
    sent = llm.chat_requests()[0].body["tools"]
    assert [t["function"]["name"] for t in sent] == ["tiny_add"]


def test_agent_with_an_inline_mcp_tool_over_http(llm: FakeLlmServer, platform: Platform) -> None:
    secrets = StaticSecrets({(WS, "openai-test"): {"api_key": "sk-test", "base_url": llm.openai_base_url}})
    ctx = NodeContext(workspace_id=WS, stores=memory_stores(), clock=FakeClock(), secrets=secrets)
    tool = {
        "name": "greet",
        "type": "mcp",
        "mcp_server": {"url": platform.url, "headers": {"Authorization": f"Bearer {platform.token()}"}},
        "mcp_tool": "flow_greet",
        "parameters": {"type": "object", "properties": {"name": {"type": "string"}}},
    }
    llm.queue(Reply(tool_calls=[("greet", {"name": "Cy"})]), Reply(text="done"))
    config = {"provider": "openai", "model": "gpt-4o", "credential_id": "openai-test", "prompt": "greet Cy"}

    out = run_node(_agent_task({**config, "tool_definitions": [tool]}), ctx)

    assert out["tool_calls"][0]["result"] == {"hello": {"greeting": "Hello Cy"}}


def test_ssrf_policy_blocks_an_mcp_server_on_a_private_address(platform: Platform) -> None:
    server = McpServer(url=platform.url).with_bearer(platform.token())

    with pytest.raises(OutboundRequestBlocked):
        McpClient(policy=OutboundPolicy()).list_tools(server)


def test_ssrf_policy_lets_an_allow_listed_address_through(platform: Platform) -> None:
    server = McpServer(url=platform.url).with_bearer(platform.token())

    tools = McpClient(policy=OutboundPolicy(allow=("127.0.0.0/8",))).list_tools(server)

    assert "flow_greet" in {tool.name for tool in tools}


def test_agent_mcp_tool_follows_the_guard_of_the_context_http_client(platform: Platform) -> None:
    tool = ToolDefinition(
        name="greet",
        type="mcp",
        mcp_server=McpServer(url=platform.url).with_bearer(platform.token()),
        mcp_tool="flow_greet",
    )
    runner = ToolRunner(workspace_id=WS, http=lambda: guarded_client(OutboundPolicy()))

    with pytest.raises(ToolError, match="OutboundRequestBlocked"):
        runner.call(tool, {"name": "Eve"})
