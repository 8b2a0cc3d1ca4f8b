"""The `mcp_tool` node: calls a tool of a registered MCP server or of a streamable HTTP endpoint."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest

from deca.mcp import McpServer, McpServerUnavailable, McpToolError
from deca.nodes.context import NodeContext, StaticSecrets
from deca.nodes.handlers import InvalidNodeConfig, run_node
from deca.nodes.mcp_tool import MCP_SERVERS_SERVICE
from deca.nodes.task import ExecutionInfo, NodeTask
from deca.stores import memory_stores
from tests.fakes.clock import FakeClock
from tests.layers.mcp.conftest import Platform

TINY = McpServer(
    transport="stdio", command=sys.executable, args=[str(Path(__file__).with_name("tiny_server.py"))]
)
WS = "ws-mcp-node"


def _run(config: dict[str, Any], *, secrets: StaticSecrets | None = None) -> Any:
    task = NodeTask(
        execution=ExecutionInfo(id="exec-1"),
        workspace_id=WS,
        flow_id="f",
        node_id="call",
        node_type="mcp_tool",
        config=config,
    )
    ctx = NodeContext(
        workspace_id=WS,
        stores=memory_stores(),
        clock=FakeClock(),
        secrets=secrets or StaticSecrets(),
        services={MCP_SERVERS_SERVICE: {"tiny": TINY}},
    )
    return run_node(task, ctx)


def test_calls_a_tool_of_a_registered_stdio_server() -> None:
    output = _run({"server_id": "tiny", "tool": "add", "arguments": {"a": 2, "b": 5}})

    assert output["structured"] == {"result": 7}
    assert output["text"] == "7"


def test_unregistered_server_id_names_the_field() -> None:
    with pytest.raises(McpServerUnavailable, match=r"config\.server_id: MCP server 'ghost'"):
        _run({"server_id": "ghost", "tool": "add"})


def test_a_tool_reporting_an_error_raises_mcp_tool_error() -> None:
    with pytest.raises(McpToolError, match="it broke"):
        _run({"server_id": "tiny", "tool": "boom"})


def test_bad_config_is_a_named_error_naming_the_field() -> None:
    with pytest.raises(InvalidNodeConfig, match="config"):
        _run({"server_id": "tiny", "server_url": "https://x.example.com/mcp", "tool": "add"})


def test_calls_a_streamable_http_server_with_a_credential_token(platform: Platform) -> None:
    secrets = StaticSecrets({(WS, "mcp-token"): {"token": platform.token()}})

    output = _run(
        {
            "server_url": platform.url,
            "tool": "flow_greet",
            "arguments": {"name": "Ada"},
            "credential_id": "mcp-token",
        },
        secrets=secrets,
    )

    assert output["structured"] == {"hello": {"greeting": "Hello Ada"}}
