"""Every change writes an audit record with the architecture document's fields; the log is filterable."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from fastapi.testclient import TestClient

from deca.stores import Stores
from tests.api.conftest import WORKSPACE, Caller, sample_flow


def _actions(stores: Stores) -> list[str]:
    return [record.action for record in reversed(stores.audit.list(WORKSPACE, limit=200).items)]


def test_every_change_is_audited(client: TestClient, owner: dict[str, str], stores: Stores) -> None:
    # When a series of changes is made
    client.post("/flows", json=sample_flow(), headers=owner)
    client.put("/flows/onboarding", json=sample_flow(name="Two"), headers=owner)
    client.post("/flows/onboarding/archive", headers=owner)
    client.post("/flows/onboarding/restore", headers=owner)
    client.delete("/flows/onboarding", headers=owner)
    credential = client.post(
        "/credentials", json={"name": "k", "type": "t", "value": "v"}, headers=owner
    ).json()
    client.post(f"/credentials/{credential['credential_id']}/rotate", json={"value": "w"}, headers=owner)
    client.delete(f"/credentials/{credential['credential_id']}", headers=owner)
    client.post("/workspaces/current/members", json={"user_id": "bob", "role": "viewer"}, headers=owner)
    client.put("/workspaces/current/members/bob", json={"role": "developer"}, headers=owner)
    client.delete("/workspaces/current/members/bob", headers=owner)
    client.patch("/workspaces/current", json={"name": "Acme"}, headers=owner)

    # Then each one left a record (all at the same fake instant, so compared as a set)
    assert sorted(_actions(stores)) == sorted(
        [
            "flow.create",
            "flow.update",
            "flow.archive",
            "flow.restore",
            "flow.delete",
            "credential.create",
            "credential.rotate",
            "credential.delete",
            "member.add",
            "member.change_role",
            "member.remove",
            "workspace.update",
            "auth.login",  # the first request of the owner's token
        ]
    )


def test_a_login_is_audited_once_per_token(
    client: TestClient, caller: Caller, stores: Stores, issuer: Any
) -> None:
    # Given two tokens of the same member
    caller.member("developer", user="dev")
    first = {
        "Authorization": f"Bearer {issuer.mint(subject='dev', workspace_id=WORKSPACE, roles=['developer'])}"
    }
    client.get("/flows", headers=first)
    client.get("/flows", headers=first)

    # When a second token starts a second session
    issuer.clock.advance(seconds=60)
    second = {
        "Authorization": f"Bearer {issuer.mint(subject='dev', workspace_id=WORKSPACE, roles=['developer'])}"
    }
    client.get("/flows", headers={**second, "User-Agent": "deca-test/2.0"})

    # Then each token's first request is one login, with who and from where, never the token
    logins = stores.audit.list(WORKSPACE, action="auth.login", user_id="dev").items
    assert len(logins) == 2
    assert logins[0].user_agent == "deca-test/2.0"
    assert logins[0].details["roles"] == ["developer"]
    assert first["Authorization"][7:] not in repr([r.model_dump(mode="json") for r in logins])


def test_a_login_is_audited_once_across_api_instances(
    client: TestClient, app: Any, caller: Caller, stores: Stores
) -> None:
    # Given a token whose login one instance recorded
    headers = caller.headers("viewer")
    client.get("/flows", headers=headers)

    # When another instance (same stores, nothing remembered in process) sees the same token
    app.state.services.seen_tokens.clear()
    client.get("/flows", headers=headers)

    # Then there is still one login
    assert len(stores.audit.list(WORKSPACE, action="auth.login", user_id="viewer-user").items) == 1


def test_record_has_who_what_where_and_how(client: TestClient, owner: dict[str, str], stores: Stores) -> None:
    client.post("/flows", json=sample_flow(), headers={**owner, "User-Agent": "deca-test/1.0"})

    record = stores.audit.list(WORKSPACE, action="flow.create").items[0]

    assert record.user_id == "owner-user"
    assert record.workspace_id == WORKSPACE
    assert record.resource_id == "onboarding"
    assert record.result == "success"
    assert record.user_agent == "deca-test/1.0"
    assert record.source_ip is not None
    assert record.details == {"version": 1}


def test_reads_are_not_audited(
    client: TestClient, owner: dict[str, str], stores: Stores, created_flow: dict[str, Any]
) -> None:
    before = _actions(stores)

    client.get("/flows", headers=owner)
    client.get("/flows/onboarding", headers=owner)

    assert _actions(stores) == before


def test_denied_attempts_are_audited(client: TestClient, caller: Caller, stores: Stores) -> None:
    client.post("/flows", json=sample_flow(), headers=caller.headers("viewer"))

    record = stores.audit.list(WORKSPACE, action="authz.denied").items[0]

    assert record.result == "denied"
    assert record.user_id == "viewer-user"
    assert record.details["permission"] == "write:flows"


def test_a_valid_token_of_a_non_member_is_a_denied_login_in_that_workspace(
    client: TestClient, caller: Caller, stores: Stores, issuer: Any
) -> None:
    caller.member("owner")  # the workspace exists
    stranger = {
        "Authorization": f"Bearer {issuer.mint(subject='eve', workspace_id=WORKSPACE, roles=['owner'])}"
    }

    response = client.get("/flows", headers=stranger)

    [record] = stores.audit.list(WORKSPACE, action="auth.denied").items
    assert response.status_code == 403
    assert (record.user_id, record.result) == ("eve", "denied")
    assert record.details == {"reason": "not a member of this workspace"}


def test_a_rejected_token_is_logged_not_audited(
    client: TestClient, caller: Caller, stores: Stores, caplog: pytest.LogCaptureFixture
) -> None:
    caller.member("owner")
    forged = "eyJhbGciOiJub25lIn0.eyJzdWIiOiJldmUifQ."

    with caplog.at_level(logging.WARNING, logger="api.deps"):
        response = client.get("/flows", headers={"Authorization": f"Bearer {forged}"})

    assert response.status_code == 401
    [rejected] = [r.getMessage() for r in caplog.records if r.name == "api.deps"]
    assert rejected.startswith("token rejected")
    assert forged not in caplog.text
    assert stores.audit.list(WORKSPACE, action="auth.denied").items == []


def test_audit_log_filters_by_action_and_resource(
    client: TestClient, owner: dict[str, str], created_flow: dict[str, Any]
) -> None:
    client.post("/flows", json=sample_flow(id="second"), headers=owner)

    by_action = client.get("/audit?action=flow.create", headers=owner).json()["items"]
    by_resource = client.get("/audit?resource_id=second", headers=owner).json()["items"]

    assert {r["resource_id"] for r in by_action} == {"onboarding", "second"}
    assert [r["action"] for r in by_resource] == ["flow.create"]
