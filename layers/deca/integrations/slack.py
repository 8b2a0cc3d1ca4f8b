"""Slack Web API: chat.postMessage/update/delete, reactions.add, users.lookupByEmail.

Slack answers 200 with `{"ok": false, "error": "<code>"}` for most failures; the code is mapped to the
integration error family (`channel_not_found` -> IntegrationNotFound, `invalid_auth` -> IntegrationAuthError,
`ratelimited` -> IntegrationRateLimited, argument errors -> IntegrationConfigError). HTTP 429 with
`Retry-After` is retried by the REST client first. Credential fields: `bot_token` (or `token`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from deca.integrations.context import base_url, credential, http_client, require_field, sleeper
from deca.integrations.errors import (
    IntegrationAuthError,
    IntegrationConfigError,
    IntegrationError,
    IntegrationNotFound,
    IntegrationRateLimited,
)
from deca.integrations.rest import RestClient
from deca.nodes.slack import SlackConfig, SlackOutput

if TYPE_CHECKING:
    from deca.nodes.context import NodeContext

__all__ = ["DEFAULT_BASE_URL", "slack_call", "slack_error"]

DEFAULT_BASE_URL = "https://slack.com/api"
_SERVICE = "slack"

_AUTH = {
    "not_authed",
    "invalid_auth",
    "account_inactive",
    "token_revoked",
    "token_expired",
    "missing_scope",
    "no_permission",
    "not_allowed_token_type",
    "ekm_access_denied",
}
_NOT_FOUND = {
    "channel_not_found",
    "message_not_found",
    "users_not_found",
    "user_not_found",
    "thread_not_found",
    "not_in_channel",
    "is_archived",
}
_BAD_INPUT = {
    "invalid_blocks",
    "invalid_blocks_format",
    "msg_too_long",
    "no_text",
    "invalid_arguments",
    "too_many_attachments",
    "invalid_name",
    "cant_update_message",
    "cant_delete_message",
    "edit_window_closed",
    "invalid_ts_latest",
    "invalid_ts_oldest",
}


def slack_error(code: str, method: str) -> IntegrationError:
    """The named error for a Slack `error` code."""
    message = f"slack {method}: {code}"
    if code in _AUTH:
        return IntegrationAuthError(message, service=_SERVICE)
    if code in _NOT_FOUND:
        return IntegrationNotFound(message, service=_SERVICE)
    if code == "ratelimited":
        return IntegrationRateLimited(message, service=_SERVICE)
    if code in _BAD_INPUT:
        return IntegrationConfigError(message, service=_SERVICE)
    return IntegrationError(message, service=_SERVICE)


def _method(
    api: RestClient, name: str, *, body: dict[str, Any] | None = None, params: dict[str, Any] | None = None
) -> dict[str, Any]:
    if body is not None:
        answer = api.call("POST", f"/{name}", json={k: v for k, v in body.items() if v is not None})
    else:
        answer = api.call("GET", f"/{name}", params=params)
    if not isinstance(answer, dict):
        raise IntegrationError(f"slack {name}: unexpected answer", service=_SERVICE)
    if not answer.get("ok"):
        raise slack_error(str(answer.get("error", "unknown_error")), name)
    return answer


def _permalink(api: RestClient, channel: Any, ts: Any) -> str | None:
    """The message's link, or None: the message is already posted, so failing here would post it twice."""
    try:
        link = _method(api, "chat.getPermalink", params={"channel": channel, "message_ts": ts})
    except IntegrationError:
        return None
    permalink = link.get("permalink")
    return str(permalink) if permalink else None


def slack_call(config: SlackConfig, ctx: NodeContext) -> SlackOutput:
    """Run the configured Slack operation and map Slack's answer to the node output."""
    token = require_field(
        credential(ctx, config.credential_id),
        ("bot_token", "token", "access_token"),
        service=_SERVICE,
        credential_id=config.credential_id,
    )
    with http_client(ctx) as client:
        api = RestClient(
            _SERVICE,
            client,
            base_url(ctx, _SERVICE, DEFAULT_BASE_URL),
            headers={"Authorization": f"Bearer {token}"},
            sleep=sleeper(ctx),
        )
        op = config.operation
        if op == "lookup_user":
            answer = _method(api, "users.lookupByEmail", params={"email": config.email})
            user = answer.get("user", {})
            profile = user.get("profile", {})
            return SlackOutput(
                user={
                    "id": user.get("id"),
                    "name": user.get("name"),
                    "real_name": user.get("real_name"),
                    "email": profile.get("email"),
                },
            )
        if op == "add_reaction":
            try:
                _method(
                    api,
                    "reactions.add",
                    body={"channel": config.channel, "timestamp": config.ts, "name": config.emoji},
                )
            except IntegrationError as exc:
                if "already_reacted" not in exc.message:
                    raise
            return SlackOutput(channel=config.channel, ts=config.ts)
        if op == "delete_message":
            answer = _method(api, "chat.delete", body={"channel": config.channel, "ts": config.ts})
            return SlackOutput(channel=answer.get("channel"), ts=answer.get("ts"))
        body: dict[str, Any] = {"channel": config.channel, "text": config.text, "blocks": config.blocks}
        if op == "update_message":
            answer = _method(api, "chat.update", body={**body, "ts": config.ts})
        else:
            body.update(thread_ts=config.thread_ts, username=config.username, icon_emoji=config.icon_emoji)
            answer = _method(api, "chat.postMessage", body=body)
        channel, ts = answer.get("channel"), answer.get("ts")
        return SlackOutput(channel=channel, ts=ts, permalink=_permalink(api, channel, ts))
