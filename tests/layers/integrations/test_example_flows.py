"""Example flows compiled to ASL and run on the local runtime, with the integration nodes calling the
loopback fakes for real (the agent's output is pinned: it is not what these tests are about)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from deca.local.node_tasks import node_task_registry
from statemachines.compiler import compile_checked, validate_document
from statemachines.runtime import FakeClock, Runtime
from tests.fakes.slack_api import FakeSlack
from tests.fakes.zendesk_api import FakeZendesk
from tests.layers.integrations.conftest import MakeContext

EXAMPLES = Path(__file__).resolve().parents[3] / "examples"
EMAIL = {"subject": "Site down", "email": "ada@example.com", "body": "Nothing loads since 9am."}


@pytest.fixture
def slack() -> Iterator[FakeSlack]:
    fake = FakeSlack(channels={"C0INC": "incidents", "C0BILL": "billing"})
    yield from fake.served()


@pytest.fixture
def zendesk() -> Iterator[FakeZendesk]:
    yield from FakeZendesk().served()


def _run_triage(
    category: str,
    slack: FakeSlack,
    zendesk: FakeZendesk,
    make_context: MakeContext,
    *,
    zendesk_token: str = "zd-token",
) -> dict[str, Any]:
    ctx = make_context(
        secrets={
            "slack-bot": {"bot_token": slack.token},
            "zendesk-acme": {"email": zendesk.email, "api_token": zendesk_token},
        },
        base_urls={"slack": slack.base_url, "zendesk": zendesk.base_url},
        workspace="local",  # the workspace of tasks started without one
    )
    classified = {"data": {"category": category, "priority": "high", "summary": "Site is down"}, "text": ""}
    registry = node_task_registry({"classify": classified}, context=ctx)
    document = json.loads((EXAMPLES / "support-ticket-triage.json").read_text())
    asl = compile_checked(validate_document(document))
    result: dict[str, Any] = (
        Runtime(tasks=registry, clock=FakeClock()).start(asl, EMAIL, name="triage-1").to_dict()
    )
    return result


def test_outage_pages_on_call_and_opens_a_ticket(
    slack: FakeSlack, zendesk: FakeZendesk, make_context: MakeContext
) -> None:
    result = _run_triage("outage", slack, zendesk, make_context)
    assert result["status"] == "SUCCEEDED"
    assert slack.messages["C0INC"][0]["text"].startswith(
        ":rotating_light: Possible outage reported by ada@example.com"
    )
    ticket = next(iter(zendesk.tickets.values()))
    assert ticket["subject"] == "[outage] Site down"
    assert zendesk.users[ticket["requester_id"]]["email"] == "ada@example.com"
    assert result["output"]["create-ticket"]["ticket_id"] == ticket["id"]


def test_how_to_question_only_opens_a_ticket(
    slack: FakeSlack, zendesk: FakeZendesk, make_context: MakeContext
) -> None:
    result = _run_triage("how_to", slack, zendesk, make_context)
    assert result["status"] == "SUCCEEDED"
    assert slack.messages == {} and len(zendesk.tickets) == 1


def test_refused_credential_fails_the_execution_with_the_named_error(
    slack: FakeSlack, zendesk: FakeZendesk, make_context: MakeContext
) -> None:
    result = _run_triage("other", slack, zendesk, make_context, zendesk_token="revoked")
    assert result["status"] == "FAILED"
    assert result["error"] == "IntegrationAuthError"
