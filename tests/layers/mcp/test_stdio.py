"""`python -m deca.mcp` serves the platform's tools on stdio for the workspace of a local token."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from deca.auth import mint_local_token
from deca.deca_data.stores import sqlite_deca_data
from deca.mcp import McpServer, McpServerUnavailable
from deca.mcp.client import McpClient
from deca.settings import Settings
from deca.stores import sqlite_stores
from deca.stores.models import FlowRecord, FlowVersion
from tests.layers.mcp.conftest import GREET_FLOW

WS = "local"


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    """A local data dir holding a published `greet` flow and one contact in workspace `local`."""
    settings = Settings.from_env({"DECA_DATA_DIR": str(tmp_path)})
    stores = sqlite_stores(settings.sqlite_path)
    stores.flows.create(WS, FlowRecord(workspace_id=WS, flow_id="greet", name="Greet"))
    stores.flows.add_version(
        WS, FlowVersion(workspace_id=WS, flow_id="greet", version=1, definition=GREET_FLOW)
    )
    stores.flows.update(WS, stores.flows.get(WS, "greet").model_copy(update={"published_version": 1}))
    stores.close()
    data = sqlite_deca_data(settings.sqlite_path)
    data.crm.create(WS, "contact", {"name": "Dee", "email": "dee@acme.example"})
    data.close()
    return tmp_path


def _server(data_dir: Path, token: str) -> McpServer:
    env = {**os.environ, "DECA_DATA_DIR": str(data_dir)}
    return McpServer(
        transport="stdio", command=sys.executable, args=["-m", "deca.mcp", "--token", token], env=env
    )


def _token(data_dir: Path) -> str:
    return mint_local_token(Settings.from_env({"DECA_DATA_DIR": str(data_dir)}), roles=("developer",))


def test_stdio_server_lists_and_runs_the_workspace_tools(data_dir: Path) -> None:
    server = _server(data_dir, _token(data_dir))
    client = McpClient()

    names = {tool.name for tool in client.list_tools(server)}
    contacts = client.call_tool(server, "search_contacts", {"query": "dee"}).structured
    greeting = client.call_tool(server, "flow_greet", {"name": "Dee"}).structured

    assert {"search_contacts", "flow_greet"} <= names
    assert contacts["items"][0]["email"] == "dee@acme.example"
    assert greeting == {"hello": {"greeting": "Hello Dee"}}


def test_stdio_server_refuses_an_invalid_token(data_dir: Path) -> None:
    with pytest.raises(McpServerUnavailable):
        McpClient().list_tools(_server(data_dir, "not-a-token"))
