"""`respond_to_webhook`: sets the HTTP response of a synchronous webhook call; the flow goes on."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import Field

from deca.nodes.base import NodeConfig, NodeOutput, NodeSpec
from deca.nodes.common import TemplateStr

__all__ = ["SPEC", "RespondToWebhookConfig", "RespondToWebhookOutput"]


class RespondToWebhookConfig(NodeConfig):
    """Config of the respond_to_webhook node."""

    status_code: Annotated[int, Field(ge=100, le=599)] | TemplateStr = Field(
        default=200, description="HTTP status code, or a template giving it"
    )
    headers: dict[str, str] = Field(default_factory=dict, description="Response headers (templates allowed)")
    body: Any = Field(default=None, description="Response body: JSON, or text (templates allowed)")
    content_type: str = Field(
        description="Content-Type of the response", default="application/json", min_length=3, max_length=200
    )


class RespondToWebhookOutput(NodeOutput):
    """The response that was set."""

    status_code: int = Field(description="HTTP status code sent")
    headers: dict[str, str] = Field(default_factory=dict, description="Response headers sent")
    body: Any = Field(default=None, description="Response body sent")
    content_type: str = Field(default="application/json", description="Content-Type sent")


SPEC = NodeSpec(
    type="respond_to_webhook",
    category="core",
    description="Answer the webhook caller (response_mode sync) while the flow continues",
    config=RespondToWebhookConfig,
    output=RespondToWebhookOutput,
    kind="respond",
    icon="reply",
    example={"status_code": 202, "body": {"accepted": True, "ticket": "{{ input.ticket_id }}"}},
)
