"""Each role gets exactly its permissions on every route; every non-public route needs a token."""

from __future__ import annotations

import re
from contextlib import ExitStack
from dataclasses import dataclass
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from deca.auth import ROLE_PERMISSIONS, ROLES
from tests.api.ai_fixtures import GREETER_SOURCE, agent_body, ai_world
from tests.api.conftest import Caller, sample_flow
from tests.api.execution_fixtures import execution_world

# Public routes: health, and incoming webhook calls (their own signature check, no bearer token).
# The MCP server mounted at /mcp is not an OpenAPI route: its tools check the same permissions
# (tests/api/test_mcp_mount.py covers its tokens and roles).
# /links/{token}: signed single-use links (tests/api/test_human_task_answers.py: forged, expired, reused).
PUBLIC_PATHS = {"/health", "/webhooks/{workspace_id}/{path}", "/links/{token}"}


@dataclass(frozen=True)
class Route:
    method: str
    template: str  # exactly the app's path template
    permission: str | None  # None: any member
    body: dict[str, Any] | None = None
    query: str = ""


ROUTES = [
    Route("GET", "/workspaces", None),
    Route("GET", "/workspaces/current", None),
    Route("PATCH", "/workspaces/current", "manage:workspace", {"name": "Renamed"}),
    Route("GET", "/workspaces/current/members", "manage:users"),
    Route("POST", "/workspaces/current/members", "manage:users", {"user_id": "newbie", "role": "viewer"}),
    Route("PUT", "/workspaces/current/members/{user_id}", "manage:users", {"role": "viewer"}),
    Route("DELETE", "/workspaces/current/members/{user_id}", "manage:users"),
    Route("GET", "/flows", "read:flows"),
    Route("POST", "/flows", "write:flows", sample_flow(id="another")),
    Route("POST", "/flows/validate", "read:flows", sample_flow()),
    Route("POST", "/flows/check", "read:flows", sample_flow()),
    Route("POST", "/flows/import", "write:flows", {"flow": sample_flow(id="imported")}),
    Route("GET", "/flows/{flow_id}", "read:flows"),
    Route("PUT", "/flows/{flow_id}", "write:flows", sample_flow(name="Second")),
    Route("POST", "/flows/{flow_id}/archive", "delete:flows"),
    Route("POST", "/flows/{flow_id}/restore", "delete:flows"),
    Route("DELETE", "/flows/{flow_id}", "delete:flows"),
    Route("GET", "/flows/{flow_id}/export", "read:flows"),
    Route("GET", "/flows/{flow_id}/versions", "read:flows"),
    Route("GET", "/flows/{flow_id}/versions/{version}", "read:flows"),
    Route("GET", "/flows/{flow_id}/diff", "read:flows", query="?from=1&to=1"),
    Route("GET", "/nodes", "read:flows"),
    Route("GET", "/nodes/{node_type}", "read:flows"),
    Route("GET", "/credentials", "read:credentials"),
    Route("POST", "/credentials", "write:credentials", {"name": "slack", "type": "slack", "value": "xoxb"}),
    Route("GET", "/credentials/{credential_id}", "read:credentials"),
    Route("POST", "/credentials/{credential_id}/rotate", "write:credentials", {"value": "new"}),
    Route("DELETE", "/credentials/{credential_id}", "write:credentials"),
    Route("GET", "/audit", "read:audit"),
    Route("POST", "/flows/{flow_id}/publish", "write:flows"),
    Route("POST", "/flows/{flow_id}/unpublish", "write:flows"),
    Route("POST", "/flows/{flow_id}/executions", "write:executions", {"input": {}}),
    Route("GET", "/executions", "read:executions"),
    Route("GET", "/executions/{execution_id}", "read:executions"),
    Route("GET", "/executions/{execution_id}/history", "read:executions"),
    Route("POST", "/executions/{execution_id}/cancel", "write:executions"),
    Route("POST", "/executions/{execution_id}/redrive", "write:executions"),
    Route("POST", "/executions/{execution_id}/rerun", "write:executions"),
    Route("GET", "/executions/{execution_id}/tasks", "read:executions"),
    Route("POST", "/executions/{execution_id}/tasks/{node_id}/approve", "write:executions", {}),
    Route("POST", "/executions/{execution_id}/tasks/{node_id}/reject", "write:executions", {}),
    Route("POST", "/executions/{execution_id}/tasks/{node_id}/submit", "write:executions", {"data": {}}),
    Route("GET", "/webhooks", "read:flows"),
    Route("GET", "/schedules", "read:flows"),
    Route("POST", "/events", "write:executions", {"source": "crm", "detail-type": "deal.won"}),
    Route("POST", "/tasks", "manage:workspace", {"task_type": "report"}),
    Route("GET", "/tasks", "manage:workspace"),
    Route("GET", "/tasks/{task_id}", "manage:workspace"),
    Route("GET", "/agents/templates", "read:agents"),
    Route("GET", "/agents", "read:agents"),
    Route(
        "POST",
        "/agents",
        "write:agents",
        {"name": "Other", "model_config": {"provider": "openai", "model": "m"}},
    ),
    Route("GET", "/agents/{agent_id}", "read:agents"),
    Route("PUT", "/agents/{agent_id}", "write:agents", agent_body(name="Renamed")),
    Route("DELETE", "/agents/{agent_id}", "delete:agents"),
    Route("POST", "/agents/{agent_id}/execute", "write:executions", {"prompt": "ping"}),
    Route("POST", "/agents/{agent_id}/execute/stream", "write:executions", {"prompt": "ping"}),
    Route("GET", "/prompts", "read:agents"),
    Route("POST", "/prompts", "write:agents", {"name": "P", "template": "x"}),
    Route("GET", "/prompts/{prompt_id}", "read:agents"),
    Route("DELETE", "/prompts/{prompt_id}", "delete:agents"),
    Route("POST", "/prompts/{prompt_id}/versions", "write:agents", {"template": "Hi {{ name }}"}),
    Route("GET", "/prompts/{prompt_id}/versions", "read:agents"),
    Route("GET", "/prompts/{prompt_id}/versions/{version}", "read:agents"),
    Route("POST", "/prompts/{prompt_id}/render", "read:agents", {"variables": {"name": "A", "company": "B"}}),
    Route("GET", "/functions", "read:flows"),
    Route("POST", "/functions", "write:flows", {"name": "F", "source": GREETER_SOURCE}),
    Route("GET", "/functions/{function_id}", "read:flows"),
    Route("DELETE", "/functions/{function_id}", "delete:flows"),
    Route("POST", "/functions/{function_id}/versions", "write:flows", {"source": GREETER_SOURCE}),
    Route("GET", "/functions/{function_id}/versions", "read:flows"),
    Route("GET", "/functions/{function_id}/versions/{version}", "read:flows"),
    Route("POST", "/functions/{function_id}/test", "write:flows", {"input": {"name": "Ann"}}),
]


def _operations(app: FastAPI) -> list[tuple[str, str]]:
    """Every (method, path template) the app serves, from its OpenAPI document, public ones excepted."""
    return [
        (method.upper(), path)
        for path, item in app.openapi()["paths"].items()
        if path not in PUBLIC_PATHS
        for method in item
    ]


@pytest.fixture
def world(
    request: pytest.FixtureRequest,
    client: TestClient,
    caller: Caller,
    created_flow: dict[str, Any],
    owner: dict[str, str],
) -> dict[str, str]:
    """Path parameters of existing things: a flow, a credential, a developer member `target`, and for
    execution routes an execution in the state the route needs (see `execution_world`)."""
    caller.member("developer", user="target")
    response = client.post(
        "/credentials", json={"name": "openai", "type": "openai", "value": "sk"}, headers=owner
    )
    credential_id = response.json()["credential_id"]
    return {
        "flow_id": "onboarding",
        "version": "1",
        "user_id": "target",
        "node_type": "set",
        "credential_id": credential_id,
        **_execution_world(request, client, owner),
        **_task_world(request, client, owner),
        **_ai_world(request, client, owner),
    }


def _task_world(request: pytest.FixtureRequest, client: TestClient, owner: dict[str, str]) -> dict[str, str]:
    callspec = getattr(request.node, "callspec", None)
    route: Route | None = callspec.params.get("route") if callspec else None
    if route is None or "{task_id}" not in route.template:
        return {}
    response = client.post("/tasks", json={"task_type": "report"}, headers=owner)
    return {"task_id": response.json()["task_id"]}


def _execution_world(
    request: pytest.FixtureRequest, client: TestClient, owner: dict[str, str]
) -> dict[str, str]:
    callspec = getattr(request.node, "callspec", None)
    route: Route | None = callspec.params.get("route") if callspec else None
    if route is None or "execution" not in route.template:
        return {}
    return execution_world(client, owner, route.template)


def _ai_world(request: pytest.FixtureRequest, client: TestClient, owner: dict[str, str]) -> dict[str, str]:
    callspec = getattr(request.node, "callspec", None)
    route: Route | None = callspec.params.get("route") if callspec else None
    if route is None:
        return {}
    stack = ExitStack()
    request.addfinalizer(stack.close)
    return ai_world(client, owner, route.template, stack)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("route", ROUTES, ids=[f"{r.method} {r.template}" for r in ROUTES])
def test_role_gets_exactly_its_permissions(
    role: str, route: Route, client: TestClient, caller: Caller, world: dict[str, str]
) -> None:
    # Given a member with the role
    headers = caller.headers(role)

    # When they call the route
    response = client.request(
        route.method, route.template.format(**world) + route.query, json=route.body, headers=headers
    )

    # Then they get through exactly when the role holds the route's permission
    allowed = route.permission is None or route.permission in ROLE_PERMISSIONS[role]  # type: ignore[index]
    if allowed:
        assert response.status_code < 300, response.text
    else:
        assert response.status_code == 403, response.text
        assert response.json()["error"]["code"] == "forbidden"


def test_every_route_is_in_the_matrix(app: FastAPI) -> None:
    # Later resources add their rows above: a route without a row has no permission test.
    listed = {(route.method, route.template) for route in ROUTES}
    served = set(_operations(app))

    assert served == listed


def test_every_non_public_route_needs_a_token(app: FastAPI, client: TestClient) -> None:
    operations = _operations(app)
    assert len(operations) == len(ROUTES)
    for method, template in operations:
        response = client.request(method, re.sub(r"\{[^}]+\}", "x1", template))
        assert response.status_code == 401, f"{method} {template} answered {response.status_code}"


def test_admin_cannot_grant_the_owner_role(client: TestClient, caller: Caller) -> None:
    response = client.post(
        "/workspaces/current/members",
        json={"user_id": "eve", "role": "owner"},
        headers=caller.headers("admin"),
    )

    assert response.status_code == 403


def test_admin_cannot_demote_an_owner(client: TestClient, caller: Caller, owner: dict[str, str]) -> None:
    response = client.put(
        "/workspaces/current/members/owner-user", json={"role": "viewer"}, headers=caller.headers("admin")
    )

    assert response.status_code == 403


def test_last_owner_cannot_step_down(client: TestClient, owner: dict[str, str]) -> None:
    response = client.put("/workspaces/current/members/owner-user", json={"role": "admin"}, headers=owner)

    assert response.status_code == 409
    assert response.json()["error"]["code"] == "conflict"


def test_owner_can_hand_over_to_another_owner(
    client: TestClient, caller: Caller, owner: dict[str, str]
) -> None:
    # Given a second owner
    caller.member("owner", user="second-owner")

    # When the first one steps down
    response = client.put("/workspaces/current/members/owner-user", json={"role": "admin"}, headers=owner)

    # Then it is allowed
    assert response.status_code == 200
    assert response.json()["role"] == "admin"


def test_role_change_applies_to_the_next_request(
    client: TestClient, caller: Caller, owner: dict[str, str]
) -> None:
    # Given a developer who can write flows
    developer = caller.headers("developer")
    assert client.post("/flows", json=sample_flow(id="a1"), headers=developer).status_code == 201

    # When the owner makes them a viewer
    client.put("/workspaces/current/members/developer-user", json={"role": "viewer"}, headers=owner)

    # Then the same token can no longer write
    assert client.post("/flows", json=sample_flow(id="a2"), headers=developer).status_code == 403
