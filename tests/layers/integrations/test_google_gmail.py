"""The google_gmail node against a loopback fake of the Gmail API v1."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from deca.integrations.errors import IntegrationConfigError, IntegrationNotFound
from tests.fakes.google_api import FakeGoogle

Run = Callable[..., dict[str, Any]]
SEND = {"operation": "send", "to": ["ada@example.com"], "subject": "Welcome aboard", "body": "Hello Ada"}


def test_send_posts_an_rfc822_message(run_google: Run, google: FakeGoogle) -> None:
    out = run_google("google_gmail", {**SEND, "cc": ["boss@example.com"]})
    sent = google.sent[0]
    assert sent["To"] == "ada@example.com" and sent["Cc"] == "boss@example.com"
    assert sent["Subject"] == "Welcome aboard"
    assert sent.get_content().strip() == "Hello Ada"
    assert out["message_id"] in google.messages and out["thread_id"]


def test_send_html_sets_the_content_type(run_google: Run, google: FakeGoogle) -> None:
    run_google("google_gmail", {**SEND, "body": "<p>Hello</p>", "html": True})
    assert google.sent[0].get_content_type() == "text/html"


def test_send_is_not_repeated_for_the_same_execution(run_google: Run, google: FakeGoogle) -> None:
    assert run_google("google_gmail", SEND) == run_google("google_gmail", SEND)
    assert len(google.sent) == 1


def test_send_of_another_execution_sends_again(run_google: Run, google: FakeGoogle) -> None:
    run_google("google_gmail", SEND, execution="exec-1")
    run_google("google_gmail", SEND, execution="exec-2")
    assert len(google.sent) == 2


def test_reply_threads_to_the_original(run_google: Run, google: FakeGoogle) -> None:
    original = google.add_message(
        sender="Ada <ada@example.com>",
        to="support@acme.com",
        subject="Invoice",
        text="Where is it?",
        message_id="<orig-1@mail.example.com>",
    )
    out = run_google(
        "google_gmail", {"operation": "reply", "message_id": original["id"], "body": "Attached."}
    )
    reply = google.sent[0]
    assert reply["To"] == "Ada <ada@example.com>" and reply["Subject"] == "Re: Invoice"
    assert reply["In-Reply-To"] == "<orig-1@mail.example.com>"
    assert out["thread_id"] == original["threadId"]


def test_search_returns_parsed_messages(run_google: Run, google: FakeGoogle) -> None:
    google.add_message(
        sender="billing@acme.com", to="me@x.com", subject="Invoice 1", text="Due", html="<b>Due</b>"
    )
    google.add_message(sender="news@acme.com", to="me@x.com", subject="News", text="Hi")
    out = run_google("google_gmail", {"operation": "search", "query": "from:billing@acme.com is:unread"})
    assert out["count"] == 1
    assert out["messages"][0]["subject"] == "Invoice 1"
    assert out["messages"][0]["text"] == "Due" and out["messages"][0]["html"] == "<b>Due</b>"


def test_search_follows_page_tokens_up_to_max_results(run_google: Run, google: FakeGoogle) -> None:
    for i in range(7):
        google.add_message(sender="a@b.co", to="me@x.com", subject=f"Report {i}", text="x")
    out = run_google("google_gmail", {"operation": "search", "query": "report", "max_results": 5})
    assert out["count"] == 5


def test_get_returns_headers_and_bodies(run_google: Run, google: FakeGoogle) -> None:
    message = google.add_message(sender="a@b.co", to="me@x.com", subject="Hi", text="Body text")
    out = run_google("google_gmail", {"operation": "get", "message_id": message["id"]})
    assert out["message"]["from"] == "a@b.co" and out["message"]["text"] == "Body text"


def test_get_of_a_missing_message_is_integration_not_found(run_google: Run) -> None:
    with pytest.raises(IntegrationNotFound):
        run_google("google_gmail", {"operation": "get", "message_id": "missing"})


def test_add_labels_by_name(run_google: Run, google: FakeGoogle) -> None:
    message = google.add_message(sender="a@b.co", to="me@x.com", subject="Hi", text="x")
    run_google(
        "google_gmail", {"operation": "add_labels", "message_id": message["id"], "labels": ["customers"]}
    )
    assert "Label_1" in google.messages[message["id"]]["labelIds"]


def test_remove_labels(run_google: Run, google: FakeGoogle) -> None:
    message = google.add_message(sender="a@b.co", to="me@x.com", subject="Hi", text="x")
    run_google(
        "google_gmail", {"operation": "remove_labels", "message_id": message["id"], "labels": ["UNREAD"]}
    )
    assert google.messages[message["id"]]["labelIds"] == ["INBOX"]


def test_unknown_label_names_the_field(run_google: Run, google: FakeGoogle) -> None:
    message = google.add_message(sender="a@b.co", to="me@x.com", subject="Hi", text="x")
    with pytest.raises(IntegrationConfigError, match=r"config\.labels: .*'Partners'"):
        run_google(
            "google_gmail", {"operation": "add_labels", "message_id": message["id"], "labels": ["Partners"]}
        )
