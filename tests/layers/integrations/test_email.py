"""The email node against moto's SES."""

from __future__ import annotations

import base64
import email
import email.policy
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from moto import mock_aws
from moto.core import DEFAULT_ACCOUNT_ID
from moto.ses.models import ses_backends

from deca.integrations.errors import IntegrationConfigError
from deca.nodes.context import NodeContext
from deca.nodes.handlers import InvalidNodeConfig, run_node
from tests.layers.integrations.conftest import MakeContext, node_task

BASE = {"from": "hello@acme.com", "to": ["ada@example.com"]}


@pytest.fixture
def ses() -> Iterator[Any]:
    with mock_aws():
        client = boto3.client("ses", region_name="us-east-1")
        client.verify_email_identity(EmailAddress="hello@acme.com")
        yield client


@pytest.fixture
def ctx(make_context: MakeContext) -> NodeContext:
    return make_context()


def _sent() -> list[Any]:
    return list(ses_backends[DEFAULT_ACCOUNT_ID]["us-east-1"].sent_messages)


def _run(ctx: NodeContext, config: dict[str, Any], **task: Any) -> dict[str, Any]:
    result: dict[str, Any] = run_node(node_task("email", {**BASE, **config}, **task), ctx)
    return result


def test_send_text_and_html(ses: Any, ctx: NodeContext) -> None:
    out = _run(
        ctx, {"subject": "Welcome", "text": "Hi Ada", "html": "<p>Hi Ada</p>", "cc": ["boss@example.com"]}
    )
    sent = _sent()[0]
    assert sent.source == "hello@acme.com" and sent.subject == "Welcome" and sent.body == "<p>Hi Ada</p>"
    assert sent.destinations["CcAddresses"] == ["boss@example.com"]
    assert out["accepted"] == ["ada@example.com", "boss@example.com"] and out["message_id"]


def test_from_name_is_in_the_source(ses: Any, ctx: NodeContext) -> None:
    _run(ctx, {"subject": "s", "text": "t", "from_name": "Acme Support"})
    assert _sent()[0].source == "Acme Support <hello@acme.com>"


def test_email_is_sent_once_per_execution_and_node(ses: Any, ctx: NodeContext) -> None:
    first = _run(ctx, {"subject": "Once", "text": "x"})
    assert _run(ctx, {"subject": "Once", "text": "x"}) == first
    assert len(_sent()) == 1


def test_another_node_sends_its_own_email(ses: Any, ctx: NodeContext) -> None:
    _run(ctx, {"subject": "a", "text": "x"}, node_id="first")
    _run(ctx, {"subject": "b", "text": "x"}, node_id="second")
    assert len(_sent()) == 2


def test_unverified_sender_is_a_config_error_with_ses_message(ses: Any, ctx: NodeContext) -> None:
    with pytest.raises(IntegrationConfigError, match="MessageRejected"):
        _run(ctx, {"from": "nobody@elsewhere.com", "subject": "s", "text": "t"})


def test_failed_send_can_be_retried(ses: Any, ctx: NodeContext) -> None:
    config = {"from": "later@acme.com", "subject": "s", "text": "t"}
    with pytest.raises(IntegrationConfigError):
        _run(ctx, config)
    ses.verify_email_identity(EmailAddress="later@acme.com")
    assert _run(ctx, config)["message_id"]


def test_attachments_go_as_a_raw_mime_message(ses: Any, ctx: NodeContext) -> None:
    attachment = {
        "filename": "invoice.pdf",
        "content": base64.b64encode(b"%PDF-1").decode(),
        "content_type": "application/pdf",
    }
    _run(ctx, {"subject": "Invoice", "text": "Attached", "attachments": [attachment]})
    raw = email.message_from_string(_sent()[0].raw_data, policy=email.policy.default)
    files = [p for p in raw.iter_attachments()]
    assert files[0].get_filename() == "invoice.pdf" and files[0].get_content() == b"%PDF-1"


def test_invalid_attachment_content_names_the_field(ses: Any, ctx: NodeContext) -> None:
    attachment = {"filename": "x.bin", "content": "%%%"}
    with pytest.raises(IntegrationConfigError, match=r"config\.attachments\[0\]\.content"):
        _run(ctx, {"subject": "s", "text": "t", "attachments": [attachment]})


def test_ses_template_with_data(ses: Any, ctx: NodeContext) -> None:
    ses.create_template(
        Template={"TemplateName": "welcome", "SubjectPart": "Hi {{name}}", "TextPart": "Hello {{name}}"}
    )
    out = _run(ctx, {"template": "welcome", "template_data": {"name": "Ada"}})
    assert out["message_id"] and len(_sent()) == 1


def test_missing_body_is_invalid_config(ctx: NodeContext) -> None:
    with pytest.raises(InvalidNodeConfig, match="text or html is required"):
        _run(ctx, {"subject": "s"})
