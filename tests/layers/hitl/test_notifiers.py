"""Notifiers: email through SES (moto), Slack through the Slack integration (loopback fake), a log by default;
the links they carry are the request's signed links and answer it."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from moto import mock_aws
from moto.core import DEFAULT_ACCOUNT_ID
from moto.ses.models import ses_backends

from deca.errors import InputError
from deca.hitl.notifiers import LoggingNotifier, SesNotifier, SlackNotifier
from deca.hitl.setup import notifier_from_environment
from deca.net import OutboundPolicy, guarded_client
from deca.nodes.context import NodeContext, StaticSecrets
from deca.stores import memory_stores
from tests.fakes.clock import FakeClock
from tests.fakes.slack_api import FakeSlack
from tests.layers.hitl.conftest import WS, Harness, approval_flow

BASE = "https://studio.example.com/links/"
SENDER = "approvals@acme.com"


@pytest.fixture
def ses() -> Iterator[Any]:
    with mock_aws():
        client = boto3.client("ses", region_name="us-east-1")
        client.verify_email_identity(EmailAddress=SENDER)
        yield client


@pytest.fixture
def slack() -> Iterator[FakeSlack]:
    yield from FakeSlack().served()


def _sent() -> list[Any]:
    return list(ses_backends[DEFAULT_ACCOUNT_ID]["us-east-1"].sent_messages)


def _link(text: str, action: str) -> str:
    line = next(line for line in text.splitlines() if line.startswith(action))
    url = line.split(": ", 1)[1].strip()
    assert url.startswith(BASE)
    return url.removeprefix(BASE)


def test_email_carries_signed_links_that_answer_the_request(harness: Harness, ses: Any) -> None:
    # Given approvals emailed through SES
    harness.service.notifier = SesNotifier(ses, SENDER, BASE)

    # When a flow pauses on an approval assigned to an email address
    result = harness.start(approval_flow(), {"amount": 300})

    # Then the assignee gets one email whose approve link approves the request and resumes the flow
    [message] = _sent()
    assert message.destinations["ToAddresses"] == ["ann@example.com"]
    assert message.source == SENDER
    assert "Refund 300" in message.subject
    harness.service.use_link(_link(message.body, "Approve"))
    assert harness.runtime.describe(result.execution_arn).status == "SUCCEEDED"


def test_email_skips_recipients_that_are_not_addresses(harness: Harness, ses: Any) -> None:
    harness.service.notifier = SesNotifier(ses, SENDER, BASE)

    harness.start(approval_flow(approvers=["role:finance", "user-42"]), {"amount": 1})

    assert _sent() == []


def test_a_failing_email_does_not_fail_the_step(harness: Harness) -> None:
    class Broken:
        def send_email(self, **_: Any) -> None:
            raise RuntimeError("SES is down")

    harness.service.notifier = SesNotifier(Broken(), SENDER, BASE)

    harness.start(approval_flow(), {"amount": 1})

    assert len(harness.pending()) == 1


def _slack_context(slack: FakeSlack) -> NodeContext:
    clock = FakeClock()
    return NodeContext(
        workspace_id=WS,
        stores=memory_stores(clock=clock),
        clock=clock,
        secrets=StaticSecrets({(WS, "slack-bot"): {"bot_token": slack.token}}),
        http_client=lambda: guarded_client(OutboundPolicy(allow=("127.0.0.1",))),
        services={"base_urls": {"slack": slack.base_url}, "sleep": lambda _s: None},
    )


def test_slack_message_mentions_known_people_and_carries_the_links(
    harness: Harness, slack: FakeSlack
) -> None:
    harness.service.notifier = SlackNotifier(lambda _ws: _slack_context(slack), "slack-bot", "#ops", BASE)

    result = harness.start(approval_flow(approvers=["ada@example.com", "role:finance"]), {"amount": 5})

    [message] = slack.messages["C0OPS"]
    assert message["text"].startswith("<@U0ADA> role:finance: Refund 5")
    harness.service.use_link(_link(message["text"], "Reject"))
    assert harness.runtime.describe(result.execution_arn).status == "SUCCEEDED"
    assert harness.service.store.list(WS).items[0].status == "rejected"


def test_a_slack_failure_is_logged_not_raised(harness: Harness, slack: FakeSlack) -> None:
    harness.service.notifier = SlackNotifier(lambda _ws: _slack_context(slack), "slack-bot", "#nowhere", BASE)

    harness.start(approval_flow(), {"amount": 5})

    assert len(harness.pending()) == 1 and slack.messages == {}


def test_the_default_notifier_logs_the_link_urls(harness: Harness, caplog: pytest.LogCaptureFixture) -> None:
    harness.service.notifier = notifier_from_environment({"DECA_HITL_LINK_BASE_URL": BASE})

    with caplog.at_level(logging.WARNING, logger="deca.hitl.notifiers"):
        harness.start(approval_flow(), {"amount": 5})

    assert isinstance(harness.service.notifier, LoggingNotifier)
    assert f"approve={BASE}" in caplog.text and "ann@example.com" in caplog.text


def test_the_notifier_is_chosen_from_the_environment(ses: Any) -> None:
    ses_notifier = notifier_from_environment(
        {"DECA_HITL_NOTIFIER": "ses", "DECA_HITL_EMAIL_SENDER": SENDER}, ses_client=ses
    )
    slack_notifier = notifier_from_environment(
        {
            "DECA_HITL_NOTIFIER": "slack",
            "DECA_HITL_SLACK_CREDENTIAL": "slack-bot",
            "DECA_HITL_SLACK_CHANNEL": "#ops",
        }
    )

    assert isinstance(ses_notifier, SesNotifier)
    assert isinstance(slack_notifier, SlackNotifier)
    with pytest.raises(InputError, match="DECA_HITL_EMAIL_SENDER"):
        notifier_from_environment({"DECA_HITL_NOTIFIER": "ses"})
    with pytest.raises(InputError, match="log, ses or slack"):
        notifier_from_environment({"DECA_HITL_NOTIFIER": "pigeon"})


def test_deployed_functions_share_the_link_key_of_the_secret(tmp_path: Any) -> None:
    from deca.hitl.setup import link_key
    from deca.settings import Settings

    with mock_aws():
        client = boto3.client("secretsmanager", region_name="us-east-1")
        arn = client.create_secret(Name="deca/test/hitl-link-key", SecretString="r" * 32)["ARN"]
        environ = {"DECA_HITL_LINK_KEY_SECRET_ARN": arn}

        first = link_key(Settings(data_dir=tmp_path / "a"), environ, secrets_client=client)
        second = link_key(Settings(data_dir=tmp_path / "b"), environ, secrets_client=client)

    assert first == second == b"r" * 32
    assert not (tmp_path / "a").exists()  # no local key file was made
