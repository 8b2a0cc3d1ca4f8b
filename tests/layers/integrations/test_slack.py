"""The slack node against a loopback fake of the Slack Web API."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from deca.integrations.errors import (
    IntegrationAuthError,
    IntegrationConfigError,
    IntegrationNotFound,
    IntegrationRateLimited,
)
from deca.nodes.handlers import InvalidNodeConfig, run_node
from tests.fakes.slack_api import FakeSlack
from tests.layers.integrations.conftest import MakeContext, node_task


@pytest.fixture
def slack() -> Iterator[FakeSlack]:
    yield from FakeSlack().served()


def _run(
    slack: FakeSlack, make_context: MakeContext, config: dict[str, Any], token: str = "xoxb-test"
) -> dict[str, Any]:
    ctx = make_context(secrets={"slack-bot": {"bot_token": token}}, base_urls={"slack": slack.base_url})
    result: dict[str, Any] = run_node(node_task("slack", {"credential_id": "slack-bot", **config}), ctx)
    return result


def test_send_message_posts_to_the_channel_and_returns_ts_and_permalink(
    slack: FakeSlack, make_context: MakeContext
) -> None:
    out = _run(
        slack, make_context, {"operation": "send_message", "channel": "#sales", "text": "New lead: Ada"}
    )
    assert slack.messages["C0SALES"][0]["text"] == "New lead: Ada"
    assert out["channel"] == "C0SALES" and out["ts"] == slack.messages["C0SALES"][0]["ts"]
    assert out["permalink"].startswith("https://acme.slack.com/archives/C0SALES/p")


def test_send_message_sends_the_bot_token_as_bearer(slack: FakeSlack, make_context: MakeContext) -> None:
    _run(slack, make_context, {"operation": "send_message", "channel": "C0OPS", "text": "hi"})
    assert slack.server.requests[0].headers["authorization"] == "Bearer xoxb-test"
    assert slack.server.requests[0].path == "/api/chat.postMessage"


def test_send_message_is_not_repeated_for_the_same_execution(
    slack: FakeSlack, make_context: MakeContext
) -> None:
    ctx = make_context(secrets={"slack-bot": {"bot_token": "xoxb-test"}}, base_urls={"slack": slack.base_url})
    task = node_task(
        "slack",
        {"operation": "send_message", "credential_id": "slack-bot", "channel": "#ops", "text": "once"},
    )
    first, second = run_node(task, ctx), run_node(task, ctx)
    assert first == second
    assert len(slack.messages["C0OPS"]) == 1


def test_unknown_channel_is_integration_not_found(slack: FakeSlack, make_context: MakeContext) -> None:
    with pytest.raises(IntegrationNotFound, match="channel_not_found"):
        _run(slack, make_context, {"operation": "send_message", "channel": "#nope", "text": "x"})


def test_failed_send_releases_the_idempotency_key(slack: FakeSlack, make_context: MakeContext) -> None:
    ctx = make_context(secrets={"slack-bot": {"bot_token": "xoxb-test"}}, base_urls={"slack": slack.base_url})
    task = node_task(
        "slack", {"operation": "send_message", "credential_id": "slack-bot", "channel": "#new", "text": "x"}
    )
    with pytest.raises(IntegrationNotFound):
        run_node(task, ctx)
    slack.channels["C0NEW"] = "new"
    assert run_node(task, ctx)["channel"] == "C0NEW"


def test_bad_token_is_integration_auth_error(slack: FakeSlack, make_context: MakeContext) -> None:
    with pytest.raises(IntegrationAuthError, match="invalid_auth"):
        _run(
            slack,
            make_context,
            {"operation": "send_message", "channel": "#sales", "text": "x"},
            token="xoxb-wrong",
        )


def test_rate_limit_is_retried_after_the_advertised_wait(
    slack: FakeSlack, make_context: MakeContext, sleeps: list[float]
) -> None:
    slack.rate_limit_next(1, retry_after=2)
    _run(slack, make_context, {"operation": "send_message", "channel": "#sales", "text": "x"})
    assert sleeps == [2.0]
    assert len(slack.messages["C0SALES"]) == 1


def test_persistent_rate_limit_is_retryable_integration_rate_limited(
    slack: FakeSlack, make_context: MakeContext
) -> None:
    slack.rate_limit_next(3, retry_after=1)
    with pytest.raises(IntegrationRateLimited) as caught:
        _run(slack, make_context, {"operation": "send_message", "channel": "#sales", "text": "x"})
    assert caught.value.retryable


def test_update_message_changes_the_text(slack: FakeSlack, make_context: MakeContext) -> None:
    sent = _run(slack, make_context, {"operation": "send_message", "channel": "#sales", "text": "draft"})
    _run(
        slack,
        make_context,
        {"operation": "update_message", "channel": "#sales", "ts": sent["ts"], "text": "final"},
    )
    assert slack.messages["C0SALES"][0]["text"] == "final"


def test_delete_message_removes_it(slack: FakeSlack, make_context: MakeContext) -> None:
    sent = _run(slack, make_context, {"operation": "send_message", "channel": "#sales", "text": "oops"})
    _run(slack, make_context, {"operation": "delete_message", "channel": "#sales", "ts": sent["ts"]})
    assert slack.messages["C0SALES"] == []


def test_add_reaction_twice_is_not_an_error(slack: FakeSlack, make_context: MakeContext) -> None:
    sent = _run(slack, make_context, {"operation": "send_message", "channel": "#sales", "text": "ship it"})
    config = {"operation": "add_reaction", "channel": "#sales", "ts": sent["ts"], "emoji": "rocket"}
    _run(slack, make_context, config)
    _run(slack, make_context, config)
    assert slack.reactions == [("C0SALES", sent["ts"], "rocket")]


def test_lookup_user_by_email(slack: FakeSlack, make_context: MakeContext) -> None:
    out = _run(slack, make_context, {"operation": "lookup_user", "email": "ada@example.com"})
    assert out["user"] == {
        "id": "U0ADA",
        "name": "ada",
        "real_name": "Ada Lovelace",
        "email": "ada@example.com",
    }


def test_lookup_of_an_unknown_user_is_integration_not_found(
    slack: FakeSlack, make_context: MakeContext
) -> None:
    with pytest.raises(IntegrationNotFound, match="users_not_found"):
        _run(slack, make_context, {"operation": "lookup_user", "email": "nobody@example.com"})


def test_missing_token_field_names_it(slack: FakeSlack, make_context: MakeContext) -> None:
    ctx = make_context(secrets={"slack-bot": {"webhook": "x"}}, base_urls={"slack": slack.base_url})
    with pytest.raises(IntegrationAuthError, match="'bot_token'"):
        run_node(
            node_task("slack", {"operation": "lookup_user", "credential_id": "slack-bot", "email": "a@b.co"}),
            ctx,
        )


def test_message_without_text_or_blocks_is_invalid_config(make_context: MakeContext) -> None:
    with pytest.raises(InvalidNodeConfig, match="text"):
        run_node(
            node_task("slack", {"operation": "send_message", "credential_id": "slack-bot", "channel": "#x"}),
            make_context(),
        )


def test_slack_argument_errors_are_integration_config_errors() -> None:
    from deca.integrations.slack import slack_error

    assert isinstance(slack_error("invalid_blocks", "chat.postMessage"), IntegrationConfigError)


def test_missing_permalink_does_not_fail_a_posted_message(
    slack: FakeSlack, make_context: MakeContext
) -> None:
    slack.denied_methods.add("chat.getPermalink")
    out = _run(slack, make_context, {"operation": "send_message", "channel": "#sales", "text": "x"})
    assert out["permalink"] is None and len(slack.messages["C0SALES"]) == 1


def test_missing_scope_is_integration_auth_error(slack: FakeSlack, make_context: MakeContext) -> None:
    slack.denied_methods.add("users.lookupByEmail")
    with pytest.raises(IntegrationAuthError, match="missing_scope"):
        _run(slack, make_context, {"operation": "lookup_user", "email": "ada@example.com"})
