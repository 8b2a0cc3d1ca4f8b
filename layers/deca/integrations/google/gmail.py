"""Gmail API v1: send and reply (RFC 822 messages, base64url `raw`), search, read, label messages."""

from __future__ import annotations

import base64
import binascii
from email.message import EmailMessage
from typing import TYPE_CHECKING, Any

from deca.integrations.errors import IntegrationConfigError, IntegrationError
from deca.integrations.google.client import google_api
from deca.integrations.rest import RestClient
from deca.nodes.google_gmail import GoogleGmailConfig, GoogleGmailOutput

if TYPE_CHECKING:
    from deca.nodes.context import NodeContext

__all__ = ["build_raw_message", "gmail_call", "parse_message"]

_SERVICE = "google_gmail"
_ME = "/users/me"
_REPLY_HEADERS = ("Subject", "From", "Reply-To", "Message-ID", "References", "To", "Date")


def build_raw_message(
    *,
    to: list[str],
    subject: str,
    body: str,
    html: bool,
    cc: list[str] | None = None,
    bcc: list[str] | None = None,
    extra_headers: dict[str, str] | None = None,
) -> str:
    """An RFC 822 message encoded as Gmail's `raw` field (base64url)."""
    message = EmailMessage()
    message["To"] = ", ".join(to)
    if cc:
        message["Cc"] = ", ".join(cc)
    if bcc:
        message["Bcc"] = ", ".join(bcc)
    message["Subject"] = subject
    for name, value in (extra_headers or {}).items():
        message[name] = value
    message.set_content(body, subtype="html" if html else "plain")
    return base64.urlsafe_b64encode(message.as_bytes()).decode("ascii")


def _decode(data: str) -> str:
    try:
        return base64.urlsafe_b64decode(data + "=" * (-len(data) % 4)).decode("utf-8", errors="replace")
    except (binascii.Error, ValueError):
        return ""


def _walk(part: dict[str, Any], found: dict[str, str]) -> None:
    mime = part.get("mimeType", "")
    data = part.get("body", {}).get("data")
    if data and mime in ("text/plain", "text/html"):
        found.setdefault("text" if mime == "text/plain" else "html", _decode(data))
    for child in part.get("parts", []) or []:
        _walk(child, found)


def parse_message(message: dict[str, Any]) -> dict[str, Any]:
    """A Gmail message resource as {id, thread_id, from, to, subject, date, snippet, labels, text, html}."""
    payload = message.get("payload", {})
    headers = {h["name"].lower(): h["value"] for h in payload.get("headers", [])}
    bodies: dict[str, str] = {}
    _walk(payload, bodies)
    return {
        "id": message.get("id"),
        "thread_id": message.get("threadId"),
        "from": headers.get("from"),
        "to": headers.get("to"),
        "subject": headers.get("subject"),
        "date": headers.get("date"),
        "snippet": message.get("snippet"),
        "labels": message.get("labelIds", []),
        "text": bodies.get("text"),
        "html": bodies.get("html"),
    }


def _label_ids(api: RestClient, names: list[str]) -> list[str]:
    labels = api.call("GET", f"{_ME}/labels").get("labels", [])
    by_name = {str(label["name"]).lower(): label["id"] for label in labels}
    ids = []
    for name in names:
        if name.lower() not in by_name:
            raise IntegrationConfigError(
                f"config.labels: the mailbox has no label named '{name}'", service=_SERVICE
            )
        ids.append(by_name[name.lower()])
    return ids


def _reply(api: RestClient, config: GoogleGmailConfig) -> dict[str, Any]:
    original = api.call(
        "GET",
        f"{_ME}/messages/{config.message_id}",
        params={"format": "metadata", "metadataHeaders": list(_REPLY_HEADERS)},
    )
    headers = {h["name"].lower(): h["value"] for h in original.get("payload", {}).get("headers", [])}
    recipient = headers.get("reply-to") or headers.get("from")
    if not recipient:
        raise IntegrationError(
            f"gmail: message {config.message_id} has no sender to reply to", service=_SERVICE
        )
    subject = headers.get("subject", "")
    extra = {}
    if headers.get("message-id"):
        extra["In-Reply-To"] = headers["message-id"]
        extra["References"] = f"{headers.get('references', '')} {headers['message-id']}".strip()
    raw = build_raw_message(
        to=[recipient],
        subject=subject if subject.lower().startswith("re:") else f"Re: {subject}",
        body=config.body or "",
        html=bool(config.html),
        cc=config.cc,
        bcc=config.bcc,
        extra_headers=extra,
    )
    sent: dict[str, Any] = api.call(
        "POST", f"{_ME}/messages/send", json={"raw": raw, "threadId": original.get("threadId")}
    )
    return sent


def gmail_call(config: GoogleGmailConfig, ctx: NodeContext) -> GoogleGmailOutput:
    """Run the configured Gmail operation and map the answer to the node output."""
    with google_api(ctx, config.credential_id, _SERVICE) as api:
        op = config.operation
        if op == "send":
            assert config.to is not None and config.subject is not None and config.body is not None
            raw = build_raw_message(
                to=config.to,
                subject=config.subject,
                body=config.body,
                html=bool(config.html),
                cc=config.cc,
                bcc=config.bcc,
            )
            sent = api.call("POST", f"{_ME}/messages/send", json={"raw": raw})
            return GoogleGmailOutput(message_id=sent.get("id"), thread_id=sent.get("threadId"))
        if op == "reply":
            sent = _reply(api, config)
            return GoogleGmailOutput(message_id=sent.get("id"), thread_id=sent.get("threadId"))
        if op == "search":
            wanted = config.max_results or 20
            found: list[dict[str, Any]] = []
            token = None
            while len(found) < wanted:
                params = {"q": config.query, "maxResults": min(wanted - len(found), 500), "pageToken": token}
                page = api.call("GET", f"{_ME}/messages", params=params)
                found.extend(page.get("messages", []))
                token = page.get("nextPageToken")
                if not token:
                    break
            messages = [
                parse_message(api.call("GET", f"{_ME}/messages/{m['id']}", params={"format": "full"}))
                for m in found[:wanted]
            ]
            return GoogleGmailOutput(messages=messages, count=len(messages))
        path = f"{_ME}/messages/{config.message_id}"
        if op == "get":
            message = parse_message(api.call("GET", path, params={"format": "full"}))
            return GoogleGmailOutput(
                message_id=message["id"], thread_id=message["thread_id"], message=message
            )
        ids = _label_ids(api, config.labels or [])
        key = "addLabelIds" if op == "add_labels" else "removeLabelIds"
        changed = api.call("POST", f"{path}/modify", json={key: ids})
        return GoogleGmailOutput(message_id=changed.get("id"), thread_id=changed.get("threadId"))
