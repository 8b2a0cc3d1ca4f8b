"""`email`: sends an email through Amazon SES (text, HTML or an SES template)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pydantic import Field, model_validator

from deca.nodes.base import NodeConfig, NodeOutput, NodeSpec
from deca.nodes.common import CredentialId, EmailOrTemplate

if TYPE_CHECKING:
    from deca.nodes.context import NodeContext
    from deca.nodes.task import NodeTask

__all__ = ["SPEC", "EmailAttachment", "EmailConfig", "EmailOutput", "run"]


class EmailAttachment(NodeConfig):
    """A file attached to the email."""

    filename: str = Field(description="File name shown to the recipient", min_length=1, max_length=255)
    content: str = Field(description="Base64 content, or a template giving it")
    content_type: str = Field(default="application/octet-stream", max_length=200, description="MIME type")


class EmailConfig(NodeConfig):
    """Config of the email node."""

    from_address: EmailOrTemplate = Field(
        alias="from", description="A verified SES sender, e.g. `hello@acme.com`"
    )
    from_name: str | None = Field(default=None, max_length=200, description="Display name of the sender")
    to: list[EmailOrTemplate] = Field(description="Recipients", min_length=1, max_length=50)
    cc: list[EmailOrTemplate] = Field(default_factory=list, max_length=50, description="Copy recipients")
    bcc: list[EmailOrTemplate] = Field(
        description="Blind copy recipients", default_factory=list, max_length=50
    )
    reply_to: list[EmailOrTemplate] = Field(
        description="Reply-To addresses", default_factory=list, max_length=10
    )
    subject: str | None = Field(
        default=None, min_length=1, max_length=998, description="Required unless template"
    )
    text: str | None = Field(default=None, description="Plain-text body (templates allowed)")
    html: str | None = Field(default=None, description="HTML body (templates allowed)")
    template: str | None = Field(
        default=None, min_length=1, description="Name of an SES template instead of a body"
    )
    template_data: dict[str, Any] | None = Field(default=None, description="Values of the SES template")
    attachments: list[EmailAttachment] = Field(
        description="Files attached (10 MB in total at most)", default_factory=list, max_length=20
    )
    configuration_set: str | None = Field(default=None, description="SES configuration set (tracking)")
    tags: dict[str, str] = Field(default_factory=dict, description="SES message tags")
    credential_id: CredentialId | None = Field(
        default=None, description="Credential of another AWS account's SES; the platform's when unset"
    )

    @model_validator(mode="after")
    def _body_or_template(self) -> EmailConfig:
        if self.template is not None:
            for name in ("subject", "text", "html"):
                if getattr(self, name) is not None:
                    raise ValueError(f"{name} is not used with template (the SES template defines it)")
            if self.attachments:
                raise ValueError("attachments cannot be sent with an SES template")
        else:
            if self.subject is None:
                raise ValueError("subject is required (or use template)")
            if self.text is None and self.html is None:
                raise ValueError("text or html is required (or use template)")
            if self.template_data is not None:
                raise ValueError("template_data is only used with template")
        return self


class EmailOutput(NodeOutput):
    """What an email node returns."""

    message_id: str = Field(description="SES message id")
    accepted: list[str] = Field(default_factory=list, description="Recipients SES accepted")


SPEC = NodeSpec(
    type="email",
    category="integration",
    description="Send an email with Amazon SES (text, HTML or an SES template)",
    config=EmailConfig,
    output=EmailOutput,
    side_effects=True,
    icon="send",
    errors=(
        "IntegrationNotFound",
        "IntegrationAuthError",
        "IntegrationRateLimited",
        "IntegrationConfigError",
        "IntegrationError",
        "HttpConnectionError",
        "CredentialNotFound",
    ),
    example={
        "from": "hello@acme.com",
        "to": ["{{ input.email }}"],
        "subject": "Welcome, {{ input.name }}",
        "html": "<p>Hello {{ input.name }}, welcome aboard.</p>",
    },
)


def run(config: EmailConfig, task: NodeTask, ctx: NodeContext) -> EmailOutput:
    """Send the email with Amazon SES, once per execution and node."""
    from deca.integrations.idempotency import run_once
    from deca.integrations.ses import send_email

    return run_once(ctx, task, EmailOutput, lambda: send_email(config, ctx))
