"""Amazon SES: send an email as text/HTML, from an SES template, or as a raw MIME message with attachments."""

from __future__ import annotations

import base64
import binascii
import json
from email.message import EmailMessage
from email.utils import formataddr
from typing import TYPE_CHECKING, Any

from deca.integrations.aws import aws_client, aws_errors
from deca.integrations.errors import IntegrationConfigError
from deca.nodes.email import EmailConfig, EmailOutput

if TYPE_CHECKING:
    from deca.nodes.context import NodeContext

__all__ = ["MAX_ATTACHMENT_BYTES", "mime_message", "send_email"]

_SERVICE = "ses"
MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024


def _source(config: EmailConfig) -> str:
    return formataddr((config.from_name, config.from_address)) if config.from_name else config.from_address


def mime_message(config: EmailConfig) -> bytes:
    """The RFC 822 message of an email with attachments (SendRawEmail)."""
    message = EmailMessage()
    message["From"] = _source(config)
    message["To"] = ", ".join(config.to)
    if config.cc:
        message["Cc"] = ", ".join(config.cc)
    if config.reply_to:
        message["Reply-To"] = ", ".join(config.reply_to)
    message["Subject"] = config.subject or ""
    if config.text is not None:
        message.set_content(config.text)
        if config.html is not None:
            message.add_alternative(config.html, subtype="html")
    else:
        message.set_content(config.html or "", subtype="html")
    total = 0
    for index, attachment in enumerate(config.attachments):
        try:
            data = base64.b64decode(attachment.content, validate=True)
        except (binascii.Error, ValueError):
            raise IntegrationConfigError(
                f"config.attachments[{index}].content: not valid base64", service=_SERVICE
            ) from None
        total += len(data)
        if total > MAX_ATTACHMENT_BYTES:
            raise IntegrationConfigError("config.attachments: more than 10 MB in total", service=_SERVICE)
        maintype, _, subtype = attachment.content_type.partition("/")
        message.add_attachment(
            data,
            maintype=maintype or "application",
            subtype=subtype or "octet-stream",
            filename=attachment.filename,
        )
    return message.as_bytes()


def send_email(config: EmailConfig, ctx: NodeContext) -> EmailOutput:
    """Send the email with SES and return its message id."""
    client = aws_client(ctx, _SERVICE, region=None, credential_id=config.credential_id)
    common: dict[str, Any] = {}
    if config.configuration_set:
        common["ConfigurationSetName"] = config.configuration_set
    if config.tags:
        common["Tags"] = [{"Name": k, "Value": v} for k, v in config.tags.items()]
    destination = {"ToAddresses": config.to, "CcAddresses": config.cc, "BccAddresses": config.bcc}
    recipients = [*config.to, *config.cc, *config.bcc]
    with aws_errors(_SERVICE, "send"):
        if config.template is not None:
            answer = client.send_templated_email(
                Source=_source(config),
                Destination=destination,
                ReplyToAddresses=config.reply_to,
                Template=config.template,
                TemplateData=json.dumps(config.template_data or {}),
                **common,
            )
        elif config.attachments:
            answer = client.send_raw_email(
                Source=_source(config),
                Destinations=recipients,
                RawMessage={"Data": mime_message(config)},
                **common,
            )
        else:
            body: dict[str, Any] = {}
            if config.text is not None:
                body["Text"] = {"Data": config.text, "Charset": "UTF-8"}
            if config.html is not None:
                body["Html"] = {"Data": config.html, "Charset": "UTF-8"}
            answer = client.send_email(
                Source=_source(config),
                Destination=destination,
                ReplyToAddresses=config.reply_to,
                Message={"Subject": {"Data": config.subject or "", "Charset": "UTF-8"}, "Body": body},
                **common,
            )
    return EmailOutput(message_id=answer["MessageId"], accepted=recipients)
