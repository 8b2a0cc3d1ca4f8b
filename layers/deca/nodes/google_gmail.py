"""`google_gmail`: sends, replies to, searches and reads Gmail messages."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, ClassVar, Literal

from pydantic import Field

from deca.nodes.base import NodeOutput, NodeSpec
from deca.nodes.common import OPERATION_HELP, CredentialId, EmailOrTemplate, Operation, OperationConfig

if TYPE_CHECKING:
    from deca.nodes.context import NodeContext
    from deca.nodes.task import NodeTask

__all__ = ["SPEC", "GoogleGmailConfig", "GoogleGmailOutput", "run"]


class GoogleGmailConfig(OperationConfig):
    """Config of the google_gmail node."""

    operation: Literal["send", "reply", "search", "get", "add_labels", "remove_labels"] = Field(
        description=OPERATION_HELP
    )
    credential_id: CredentialId = Field(description="Google OAuth credential of the mailbox")
    to: list[EmailOrTemplate] | None = Field(default=None, min_length=1, description="Recipients")
    cc: list[EmailOrTemplate] | None = Field(default=None, description="Copy recipients")
    bcc: list[EmailOrTemplate] | None = Field(default=None, description="Blind copy recipients")
    subject: str | None = Field(
        description="Subject line (templates allowed)", default=None, min_length=1, max_length=998
    )
    body: str | None = Field(default=None, description="Message text (templates allowed)")
    html: bool | None = Field(default=None, description="body is HTML (default false)")
    message_id: str | None = Field(
        description="Gmail message id (templates allowed)", default=None, min_length=1
    )
    query: str | None = Field(
        default=None, description="Gmail search, e.g. `from:billing@acme.com is:unread`"
    )
    max_results: int | None = Field(
        description="Maximum messages returned (default 20)", default=None, ge=1, le=500
    )
    labels: list[str] | None = Field(default=None, min_length=1, description="Label names")

    OPERATIONS: ClassVar[Mapping[str, Operation]] = {
        "send": Operation(required=("to", "subject", "body"), optional=("cc", "bcc", "html")),
        "reply": Operation(required=("message_id", "body"), optional=("cc", "bcc", "html")),
        "search": Operation(required=("query",), optional=("max_results",)),
        "get": Operation(required=("message_id",)),
        "add_labels": Operation(required=("message_id", "labels")),
        "remove_labels": Operation(required=("message_id", "labels")),
    }


class GoogleGmailOutput(NodeOutput):
    """What a google_gmail node returns."""

    message_id: str | None = Field(default=None, description="The message sent, replied to or read")
    thread_id: str | None = Field(default=None, description="Conversation the message belongs to")
    message: dict[str, Any] | None = Field(
        default=None, description="from, to, subject, date, text, html (get)"
    )
    messages: list[dict[str, Any]] = Field(default_factory=list, description="Matching messages (search)")
    count: int = Field(default=0, ge=0, description="Number of messages returned (search)")


SPEC = NodeSpec(
    type="google_gmail",
    category="integration",
    description="Send or reply to Gmail messages, search and read them, label them",
    config=GoogleGmailConfig,
    output=GoogleGmailOutput,
    side_effects=True,
    icon="mail",
    errors=(
        "IntegrationAuthError",
        "IntegrationNotFound",
        "IntegrationRateLimited",
        "IntegrationConfigError",
        "IntegrationError",
        "HttpTimeout",
        "HttpConnectionError",
        "OutboundRequestBlocked",
        "CredentialNotFound",
    ),
    example={
        "operation": "send",
        "credential_id": "google-support",
        "to": ["{{ input.email }}"],
        "subject": "Welcome aboard",
        "body": "Hello {{ input.name }}, welcome aboard.",
    },
)


def run(config: GoogleGmailConfig, task: NodeTask, ctx: NodeContext) -> GoogleGmailOutput:
    """Call the Gmail API; sending and replying happen once per execution and node."""
    from deca.integrations.google.gmail import gmail_call

    if config.operation in ("send", "reply"):
        from deca.integrations.idempotency import run_once

        return run_once(ctx, task, GoogleGmailOutput, lambda: gmail_call(config, ctx))
    return gmail_call(config, ctx)
