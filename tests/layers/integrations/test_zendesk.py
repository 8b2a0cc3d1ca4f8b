"""The zendesk node against a loopback fake of the Zendesk Support API."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from deca.integrations.errors import (
    IntegrationAuthError,
    IntegrationConfigError,
    IntegrationNotFound,
    IntegrationRateLimited,
)
from deca.integrations.zendesk import error_detail
from deca.nodes.handlers import InvalidNodeConfig, run_node
from tests.fakes.zendesk_api import FakeZendesk
from tests.layers.integrations.conftest import MakeContext, node_task

CREDENTIAL = {"email": "agent@acme.com", "api_token": "zd-token"}


@pytest.fixture
def zendesk() -> Iterator[FakeZendesk]:
    yield from FakeZendesk().served()


def _ctx(zendesk: FakeZendesk, make_context: MakeContext, credential: dict[str, str] = CREDENTIAL) -> Any:
    return make_context(secrets={"zd": credential}, base_urls={"zendesk": zendesk.base_url})


def _run(
    zendesk: FakeZendesk, make_context: MakeContext, config: dict[str, Any], **kw: Any
) -> dict[str, Any]:
    task = node_task("zendesk", {"subdomain": "acme", "credential_id": "zd", **config}, **kw)
    result: dict[str, Any] = run_node(task, _ctx(zendesk, make_context))
    return result


def test_create_ticket_with_a_new_requester(zendesk: FakeZendesk, make_context: MakeContext) -> None:
    config = {
        "operation": "create_ticket",
        "subject": "Cannot log in",
        "comment": "Since this morning",
        "requester_email": "ada@example.com",
        "priority": "high",
        "tags": ["login"],
        "custom_fields": {"360001": "web"},
    }
    out = _run(zendesk, make_context, config)
    stored = zendesk.tickets[out["ticket_id"]]
    assert (
        stored["subject"] == "Cannot log in" and stored["priority"] == "high" and stored["tags"] == ["login"]
    )
    assert stored["custom_fields"] == [{"id": 360001, "value": "web"}]
    assert zendesk.users[stored["requester_id"]]["email"] == "ada@example.com"
    assert out["ticket"]["id"] == out["ticket_id"]


def test_create_ticket_is_not_repeated_for_the_same_execution(
    zendesk: FakeZendesk, make_context: MakeContext
) -> None:
    ctx = _ctx(zendesk, make_context)
    task = node_task(
        "zendesk",
        {
            "operation": "create_ticket",
            "subdomain": "acme",
            "credential_id": "zd",
            "subject": "s",
            "comment": "c",
        },
    )
    assert run_node(task, ctx) == run_node(task, ctx)
    assert len(zendesk.tickets) == 1


def test_get_ticket(zendesk: FakeZendesk, make_context: MakeContext) -> None:
    ticket = zendesk.add_ticket("Refund", "Please refund")
    out = _run(zendesk, make_context, {"operation": "get_ticket", "ticket_id": ticket["id"]})
    assert out["ticket"]["subject"] == "Refund"


def test_ticket_id_given_as_text_is_accepted(zendesk: FakeZendesk, make_context: MakeContext) -> None:
    ticket = zendesk.add_ticket("Refund", "Please refund")
    out = _run(zendesk, make_context, {"operation": "get_ticket", "ticket_id": str(ticket["id"])})
    assert out["ticket_id"] == ticket["id"]


def test_missing_ticket_is_integration_not_found(zendesk: FakeZendesk, make_context: MakeContext) -> None:
    with pytest.raises(IntegrationNotFound, match="RecordNotFound"):
        _run(zendesk, make_context, {"operation": "get_ticket", "ticket_id": 999})


def test_update_ticket_sets_status_and_assignee(zendesk: FakeZendesk, make_context: MakeContext) -> None:
    ticket = zendesk.add_ticket("Refund", "Please refund")
    config = {
        "operation": "update_ticket",
        "ticket_id": ticket["id"],
        "status": "solved",
        "assignee_email": "bob@acme.com",
    }
    out = _run(zendesk, make_context, config)
    assert out["ticket"]["status"] == "solved"
    assert zendesk.users[out["ticket"]["assignee_id"]]["email"] == "bob@acme.com"


def test_add_comment_adds_a_private_note(zendesk: FakeZendesk, make_context: MakeContext) -> None:
    ticket = zendesk.add_ticket("Refund", "Please refund")
    _run(
        zendesk,
        make_context,
        {"operation": "add_comment", "ticket_id": ticket["id"], "comment": "Checking", "public": False},
    )
    assert zendesk.comments[ticket["id"]][-1] == {
        **zendesk.comments[ticket["id"]][-1],
        "body": "Checking",
        "public": False,
    }


def test_list_comments_follows_the_cursor(zendesk: FakeZendesk, make_context: MakeContext) -> None:
    ticket = zendesk.add_ticket("Long thread", "first")
    for i in range(150):
        zendesk.comments[ticket["id"]].append({"id": 10_000 + i, "body": f"reply {i}", "public": True})
    out = _run(zendesk, make_context, {"operation": "list_comments", "ticket_id": ticket["id"], "limit": 120})
    assert out["count"] == 120 and out["comments"][0]["body"] == "first"
    assert [r.arg("page[after]") for r in zendesk.server.requests] == [None, "100"]


def test_search_tickets_collects_every_page(zendesk: FakeZendesk, make_context: MakeContext) -> None:
    for i in range(130):
        zendesk.add_ticket(f"Printer {i}", "jammed", status="open")
    zendesk.add_ticket("Printer solved", "ok", status="solved")
    out = _run(
        zendesk, make_context, {"operation": "search_tickets", "query": "status:open printer", "limit": 1000}
    )
    assert out["count"] == 130
    assert {t["status"] for t in out["tickets"]} == {"open"}


def test_find_user_by_email(zendesk: FakeZendesk, make_context: MakeContext) -> None:
    zendesk.add_user("ada@example.com", "Ada")
    out = _run(zendesk, make_context, {"operation": "find_user", "user_email": "ada@example.com"})
    assert out["user"]["name"] == "Ada" and out["count"] == 1


def test_unknown_user_is_none(zendesk: FakeZendesk, make_context: MakeContext) -> None:
    out = _run(zendesk, make_context, {"operation": "find_user", "user_email": "nobody@example.com"})
    assert out["user"] is None and out["count"] == 0


def test_rate_limit_waits_retry_after_then_succeeds(
    zendesk: FakeZendesk, make_context: MakeContext, sleeps: list[float]
) -> None:
    zendesk.rate_limit_next(2, retry_after=3)
    ticket = zendesk.add_ticket("Refund", "x")
    _run(zendesk, make_context, {"operation": "get_ticket", "ticket_id": ticket["id"]})
    assert sleeps == [3.0, 3.0]


def test_rate_limit_beyond_the_wait_cap_is_retryable(zendesk: FakeZendesk, make_context: MakeContext) -> None:
    zendesk.rate_limit_next(1, retry_after=120)
    with pytest.raises(IntegrationRateLimited) as caught:
        _run(zendesk, make_context, {"operation": "get_ticket", "ticket_id": 1})
    assert caught.value.retry_after == 120


def test_wrong_token_is_integration_auth_error(zendesk: FakeZendesk, make_context: MakeContext) -> None:
    ctx = _ctx(zendesk, make_context, {"email": "agent@acme.com", "api_token": "wrong"})
    task = node_task(
        "zendesk", {"operation": "get_ticket", "subdomain": "acme", "credential_id": "zd", "ticket_id": 1}
    )
    with pytest.raises(IntegrationAuthError, match="401"):
        run_node(task, ctx)


def test_validation_error_message_carries_zendesk_details() -> None:
    body = {
        "error": "RecordInvalid",
        "description": "Record validation errors",
        "details": {"base": [{"description": "Description: cannot be blank", "error": "BlankValue"}]},
    }
    detail = error_detail(httpx.Response(422, json=body))
    assert detail == "RecordInvalid; Record validation errors; base: Description: cannot be blank"


def test_non_numeric_custom_field_id_names_the_field(zendesk: FakeZendesk, make_context: MakeContext) -> None:
    config = {"operation": "create_ticket", "subject": "s", "comment": "c", "custom_fields": {"plan": "pro"}}
    with pytest.raises(IntegrationConfigError, match=r"config\.custom_fields\.plan"):
        _run(zendesk, make_context, config)


def test_get_without_ticket_id_is_invalid_config_naming_it(make_context: MakeContext) -> None:
    task = node_task("zendesk", {"operation": "get_ticket", "subdomain": "acme", "credential_id": "zd"})
    with pytest.raises(InvalidNodeConfig, match=r"config\.ticket_id"):
        run_node(task, make_context())
