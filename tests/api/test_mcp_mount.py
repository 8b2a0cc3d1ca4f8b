"""The platform MCP server mounted in the API at /mcp, driven by the official `mcp` client over loopback HTTP."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterator
from typing import Any, TypeVar

import anyio
import httpx
import pytest
from fastapi import FastAPI
from mcp import ClientSession
from mcp.client.streamable_http import streamable_http_client
from mcp.shared._httpx_utils import create_mcp_http_client

from deca.auth import LocalIssuer
from deca.stores import Stores
from deca.stores.models import FlowRecord, FlowVersion
from tests.api.conftest import OTHER_WORKSPACE, WORKSPACE, Caller
from tests.fakes.asgi_server import asgi_server

T = TypeVar("T")

GREET: dict[str, Any] = {
    "id": "greet",
    "name": "Greet",
    "input_schema": {"type": "object", "properties": {"name": {"type": "string"}}, "required": ["name"]},
    "nodes": [
        {"id": "hello", "type": "set", "config": {"values": {"greeting": "{{ 'Hello ' & input.name }}"}}}
    ],
    "connections": [],
}


def _publish(stores: Stores, workspace_id: str, flow_id: str) -> None:
    document = {**GREET, "id": flow_id}
    stores.flows.create(workspace_id, FlowRecord(workspace_id=workspace_id, flow_id=flow_id, name=flow_id))
    stores.flows.add_version(
        workspace_id, FlowVersion(workspace_id=workspace_id, flow_id=flow_id, version=1, definition=document)
    )
    record = stores.flows.get(workspace_id, flow_id)
    stores.flows.update(workspace_id, record.model_copy(update={"published_version": 1}))


@pytest.fixture
def base_url(app: FastAPI, stores: Stores) -> Iterator[str]:
    """The API on loopback, with the flow `greet` published in the workspace and `secret` in another."""
    _publish(stores, WORKSPACE, "greet")
    _publish(stores, OTHER_WORKSPACE, "secret")
    with asgi_server(app) as url:
        yield url


def _session(base_url: str, headers: dict[str, str], work: Callable[[ClientSession], Awaitable[T]]) -> T:
    async def main() -> T:
        async with (
            create_mcp_http_client(headers=headers) as http,
            streamable_http_client(base_url + "/mcp/", http_client=http) as (read, write, _),
            ClientSession(read, write) as session,
        ):
            await session.initialize()
            return await work(session)

    return anyio.run(main)


async def _tool_names(session: ClientSession) -> list[str]:
    return [tool.name for tool in (await session.list_tools()).tools]


def test_lists_the_workspace_published_flows_as_tools(base_url: str, caller: Caller) -> None:
    names = _session(base_url, caller.headers("developer"), _tool_names)

    assert "flow_greet" in names and "flow_secret" not in names


def test_runs_a_flow_tool(base_url: str, caller: Caller) -> None:
    async def work(session: ClientSession) -> Any:
        return await session.call_tool("flow_greet", {"name": "Ann"})

    result = _session(base_url, caller.headers("developer"), work)

    assert not result.isError
    assert result.structuredContent == {"hello": {"greeting": "Hello Ann"}}


def test_the_stored_role_decides_not_the_token(
    base_url: str, caller: Caller, issuer: LocalIssuer, stores: Stores
) -> None:
    caller.member("viewer", user="demoted")
    token = issuer.mint(subject="demoted", workspace_id=WORKSPACE, roles=["owner"])

    async def work(session: ClientSession) -> Any:
        return await session.call_tool("flow_greet", {"name": "Ann"})

    result = _session(base_url, {"Authorization": f"Bearer {token}"}, work)

    assert result.isError and "write:executions" in result.content[0].text


def test_other_workspace_sees_only_its_own_flows(base_url: str, caller: Caller) -> None:
    names = _session(base_url, caller.headers("owner", workspace=OTHER_WORKSPACE, user="other"), _tool_names)

    assert "flow_secret" in names and "flow_greet" not in names


@pytest.mark.parametrize("authorization", [None, "Bearer not-a-jwt"])
def test_without_a_valid_token_is_401(base_url: str, authorization: str | None) -> None:
    headers = {"Authorization": authorization} if authorization else {}
    body = {"jsonrpc": "2.0", "id": 1, "method": "tools/list"}

    response = httpx.post(
        base_url + "/mcp/", json=body, headers={**headers, "Accept": "application/json, text/event-stream"}
    )

    assert response.status_code == 401


def test_a_non_member_token_is_401(base_url: str, issuer: LocalIssuer) -> None:
    token = issuer.mint(subject="stranger", workspace_id=WORKSPACE, roles=["owner"])
    body = {"jsonrpc": "2.0", "id": 1, "method": "tools/list"}

    response = httpx.post(
        base_url + "/mcp/",
        json=body,
        headers={"Authorization": f"Bearer {token}", "Accept": "application/json, text/event-stream"},
    )

    assert response.status_code == 401
