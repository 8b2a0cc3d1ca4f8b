"""The platform's MCP server, driven by the official `mcp` client SDK over streamable HTTP on loopback."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import anyio
import httpx
import pytest
from fastapi import FastAPI
from mcp import ClientSession
from mcp.client.streamable_http import streamable_http_client
from mcp.shared._httpx_utils import create_mcp_http_client

from deca.mcp.server import McpHttpApp, mount_mcp
from tests.fakes.asgi_server import asgi_server
from tests.layers.mcp.conftest import OTHER, Pieces, Platform

T = TypeVar("T")


def _with_session(platform: Platform, token: str, work: Callable[[ClientSession], Awaitable[T]]) -> T:
    async def main() -> T:
        headers = {"Authorization": f"Bearer {token}"}
        async with (
            create_mcp_http_client(headers=headers) as http,
            streamable_http_client(platform.url, http_client=http) as (read, write, _),
            ClientSession(read, write) as session,
        ):
            await session.initialize()
            return await work(session)

    return anyio.run(main)


def _tool_names(platform: Platform, token: str) -> list[str]:
    async def work(session: ClientSession) -> list[str]:
        return [tool.name for tool in (await session.list_tools()).tools]

    return _with_session(platform, token, work)


def _call(platform: Platform, token: str, name: str, arguments: dict[str, Any]) -> Any:
    async def work(session: ClientSession) -> Any:
        return await session.call_tool(name, arguments)

    return _with_session(platform, token, work)


def test_lists_crm_tools_and_published_flows(platform: Platform) -> None:
    names = _tool_names(platform, platform.token())

    assert {"search_contacts", "get_contact", "create_contact", "search_deals", "create_company"} <= set(
        names
    )
    assert "flow_greet" in names


def test_unpublished_flows_and_other_workspaces_flows_are_not_listed(platform: Platform) -> None:
    names = _tool_names(platform, platform.token())

    assert "flow_draft" not in names and "flow_secret" not in names


def test_flow_tool_takes_the_flow_input_schema(platform: Platform) -> None:
    async def work(session: ClientSession) -> dict[str, Any]:
        tools = (await session.list_tools()).tools
        return next(t.inputSchema for t in tools if t.name == "flow_greet")

    schema = _with_session(platform, platform.token(), work)

    assert schema["required"] == ["name"]


def test_search_contacts_finds_the_workspace_contact(platform: Platform) -> None:
    result = _call(platform, platform.token(), "search_contacts", {"query": "ann"})

    assert not result.isError
    assert [item["email"] for item in result.structuredContent["items"]] == ["ann@acme.example"]


def test_create_contact_stores_it_in_the_callers_workspace(platform: Platform) -> None:
    result = _call(
        platform, platform.token(), "create_contact", {"data": {"name": "Bo", "email": "bo@acme.example"}}
    )

    created = result.structuredContent
    assert created["created"] is True
    assert platform.crm.get("ws-mcp", "contact", created["id"]).data["email"] == "bo@acme.example"


def test_get_contact_of_another_workspace_is_an_error(platform: Platform) -> None:
    other_id = platform.crm.search(OTHER, "contact", query="other")[0].record_id

    result = _call(platform, platform.token(), "get_contact", {"id": other_id})

    assert result.isError


def test_run_a_flow_as_a_tool(platform: Platform) -> None:
    result = _call(platform, platform.token(), "flow_greet", {"name": "Ann"})

    assert not result.isError
    assert result.structuredContent == {"hello": {"greeting": "Hello Ann"}}


def test_arguments_not_fitting_the_schema_are_an_error(platform: Platform) -> None:
    result = _call(platform, platform.token(), "flow_greet", {"nom": "Ann"})

    assert result.isError and "name" in result.content[0].text


def test_viewer_may_search_but_not_create(platform: Platform) -> None:
    token = platform.token(roles=("viewer",))

    assert not _call(platform, token, "search_contacts", {}).isError
    denied = _call(platform, token, "create_contact", {"data": {"name": "X"}})
    assert denied.isError and "write:executions" in denied.content[0].text


def test_other_workspace_token_sees_only_its_own_flows(platform: Platform) -> None:
    names = _tool_names(platform, platform.token(workspace_id=OTHER))

    assert "flow_secret" in names and "flow_greet" not in names


@pytest.mark.parametrize("authorization", [None, "Bearer not-a-token", "Basic abc"])
def test_requests_without_a_valid_bearer_token_are_refused(
    platform: Platform, authorization: str | None
) -> None:
    headers = {"Accept": "application/json, text/event-stream"}
    if authorization:
        headers["Authorization"] = authorization
    body = {"jsonrpc": "2.0", "id": 1, "method": "tools/list"}

    response = httpx.post(platform.url, json=body, headers=headers)

    assert response.status_code == 401


def test_mcp_app_mounted_in_a_fastapi_app_serves_tools(pieces: Pieces) -> None:
    app = FastAPI()

    @app.get("/health")
    def health() -> dict[str, bool]:
        return {"ok": True}

    mount_mcp(app, McpHttpApp(pieces.tools, pieces.verifier))
    with asgi_server(app) as base:
        mounted = Platform(url=base + "/mcp/", issuer=pieces.issuer, crm=pieces.crm)
        names = _tool_names(mounted, mounted.token())
        assert httpx.get(base + "/health").json() == {"ok": True}

    assert "flow_greet" in names
