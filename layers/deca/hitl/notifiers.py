"""Notifiers of human tasks: who is told that a request waits for them, with its signed links.

- `LoggingNotifier` (the local default) logs the request and its link URLs;
- `SesNotifier` emails the recipients that are email addresses through Amazon SES;
- `SlackNotifier` posts to a channel through the Slack integration, mentioning the recipients Slack knows
  by email.

A link URL is `link_base_url` + the signed token (e.g. `https://api.example.com/links/<token>`, answered by
`GET|POST /links/{token}`). A notifier never raises: the request stays answerable in the UI and the API.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from deca.hitl.models import HumanTask

if TYPE_CHECKING:
    from deca.nodes.context import NodeContext

__all__ = ["LoggingNotifier", "SesNotifier", "SlackNotifier", "link_urls", "notification_text"]

logger = logging.getLogger(__name__)

_VERBS = {"approve": "Approve", "reject": "Reject", "submit": "Answer the form"}


def link_urls(base_url: str, links: dict[str, str]) -> dict[str, str]:
    """Action -> URL of each signed link."""
    base = base_url if base_url.endswith("/") else base_url + "/"
    return {action: base + token for action, token in links.items()}


def notification_text(task: HumanTask, urls: dict[str, str]) -> str:
    """The plain-text body of a notification: the request, then one line per action link."""
    lines = [task.title]
    if task.message:
        lines += ["", task.message]
    lines += ["", f"Flow {task.flow_id}, step {task.node_id}; answer before {task.expires_at.isoformat()}."]
    if urls:
        lines.append("")
        lines += [f"{_VERBS.get(action, action)}: {url}" for action, url in urls.items()]
    return "\n".join(lines)


def _is_email(recipient: str) -> bool:
    return "@" in recipient and not recipient.startswith("role:")


class LoggingNotifier:
    """Logs each notification (local development: the links are printed for the developer to open)."""

    def __init__(self, link_base_url: str) -> None:
        self._base = link_base_url

    def notify(self, task: HumanTask, recipients: Sequence[str], links: dict[str, str]) -> None:
        """Log who would be told, with the link URLs."""
        urls = link_urls(self._base, links)
        logger.warning(
            "human task %s waits for %s: %s",
            task.request_id,
            ", ".join(recipients),
            " ".join(f"{action}={url}" for action, url in urls.items()) or "(answer in the studio)",
            extra={"request_id": task.request_id, "recipients": list(recipients)},
        )


class SesNotifier:
    """Emails the recipients that are email addresses (user ids and roles are left to the UI) with SES."""

    def __init__(self, client: Any, sender: str, link_base_url: str) -> None:
        self._ses = client
        self._sender = sender
        self._base = link_base_url

    def notify(self, task: HumanTask, recipients: Sequence[str], links: dict[str, str]) -> None:
        """One email to the email recipients; an SES failure is logged."""
        to = [r for r in recipients if _is_email(r)]
        if not to:
            return
        body = notification_text(task, link_urls(self._base, links))
        try:
            self._ses.send_email(
                Source=self._sender,
                Destination={"ToAddresses": to},
                Message={
                    "Subject": {"Data": f"Waiting for you: {task.title}"[:200], "Charset": "UTF-8"},
                    "Body": {"Text": {"Data": body, "Charset": "UTF-8"}},
                },
            )
        except Exception:
            logger.exception("human task email failed", extra={"request_id": task.request_id})


class SlackNotifier:
    """Posts to `channel` with the workspace's Slack credential `credential_id` (the Slack integration),
    mentioning the recipients whose email Slack knows."""

    def __init__(
        self, context: Callable[[str], NodeContext], credential_id: str, channel: str, link_base_url: str
    ) -> None:
        self._context = context
        self._credential = credential_id
        self._channel = channel
        self._base = link_base_url

    def notify(self, task: HumanTask, recipients: Sequence[str], links: dict[str, str]) -> None:
        """One message to the channel; a Slack failure is logged."""
        from deca.integrations.slack import slack_call
        from deca.nodes.slack import SlackConfig

        try:
            ctx = self._context(task.workspace_id)
            mentions = [self._mention(ctx, recipient) for recipient in recipients]
            text = f"{' '.join(mentions)}: {notification_text(task, link_urls(self._base, links))}"
            config = SlackConfig(
                operation="send_message", credential_id=self._credential, channel=self._channel, text=text
            )
            slack_call(config, ctx)
        except Exception:
            logger.exception("human task Slack message failed", extra={"request_id": task.request_id})

    def _mention(self, ctx: NodeContext, recipient: str) -> str:
        """`<@U…>` for an email Slack knows, else the recipient as written."""
        from deca.integrations.errors import IntegrationError
        from deca.integrations.slack import slack_call
        from deca.nodes.slack import SlackConfig

        if not _is_email(recipient):
            return recipient
        lookup = SlackConfig(operation="lookup_user", credential_id=self._credential, email=recipient)
        try:
            user = slack_call(lookup, ctx).user or {}
        except IntegrationError:
            return recipient
        return f"<@{user['id']}>" if user.get("id") else recipient
