"""`slack`: posts, updates and deletes Slack messages, adds reactions and looks up users."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, ClassVar, Literal

from pydantic import Field, model_validator

from deca.nodes.base import NodeOutput, NodeSpec
from deca.nodes.common import OPERATION_HELP, CredentialId, EmailOrTemplate, Operation, OperationConfig

if TYPE_CHECKING:
    from deca.nodes.context import NodeContext
    from deca.nodes.task import NodeTask

__all__ = ["SPEC", "SlackConfig", "SlackOutput", "run"]


class SlackConfig(OperationConfig):
    """Config of the slack node."""

    operation: Literal["send_message", "update_message", "delete_message", "add_reaction", "lookup_user"] = (
        Field(description=OPERATION_HELP)
    )
    credential_id: CredentialId = Field(description="Slack bot token credential")
    channel: str | None = Field(
        default=None, min_length=1, description="Channel id or `#name`, or a user id for a DM"
    )
    text: str | None = Field(
        default=None, min_length=1, max_length=40_000, description="Message text (mrkdwn)"
    )
    blocks: list[dict[str, Any]] | None = Field(default=None, description="Block Kit blocks")
    thread_ts: str | None = Field(default=None, description="Reply in this thread")
    ts: str | None = Field(default=None, description="Timestamp of the message to change")
    emoji: str | None = Field(
        default=None, pattern=r"^[a-z0-9_+-]+$", description="Reaction name without colons"
    )
    email: EmailOrTemplate | None = Field(default=None, description="Email of the user to look up")
    username: str | None = Field(default=None, max_length=80, description="Display name override")
    icon_emoji: str | None = Field(default=None, description="Icon override, e.g. `:robot_face:`")

    OPERATIONS: ClassVar[Mapping[str, Operation]] = {
        "send_message": Operation(
            required=("channel",), optional=("text", "blocks", "thread_ts", "username", "icon_emoji")
        ),
        "update_message": Operation(required=("channel", "ts"), optional=("text", "blocks")),
        "delete_message": Operation(required=("channel", "ts")),
        "add_reaction": Operation(required=("channel", "ts", "emoji")),
        "lookup_user": Operation(required=("email",)),
    }

    @model_validator(mode="after")
    def _message_has_content(self) -> SlackConfig:
        if self.operation in ("send_message", "update_message") and self.text is None and self.blocks is None:
            raise ValueError(f"{self.operation} needs `text` or `blocks`")
        return self


class SlackOutput(NodeOutput):
    """What a slack node returns."""

    ok: bool = Field(default=True, description="Slack accepted the call")
    channel: str | None = Field(default=None, description="Channel id")
    ts: str | None = Field(default=None, description="Timestamp (id) of the message")
    permalink: str | None = Field(default=None, description="Link to the message")
    user: dict[str, Any] | None = Field(default=None, description="id, name, real_name, email (lookup_user)")


SPEC = NodeSpec(
    type="slack",
    category="integration",
    description="Post, update or delete Slack messages, add reactions, look up users",
    config=SlackConfig,
    output=SlackOutput,
    side_effects=True,
    icon="slack",
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
        "operation": "send_message",
        "credential_id": "slack-bot",
        "channel": "#sales",
        "text": "New lead: {{ input.name }} ({{ input.email }})",
    },
)


def run(config: SlackConfig, task: NodeTask, ctx: NodeContext) -> SlackOutput:
    """Call the Slack Web API; a message is posted once per execution and node."""
    from deca.integrations.slack import slack_call

    if config.operation == "send_message":
        from deca.integrations.idempotency import run_once

        return run_once(ctx, task, SlackOutput, lambda: slack_call(config, ctx))
    return slack_call(config, ctx)
