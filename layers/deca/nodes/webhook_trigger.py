"""`webhook_trigger`: visual entry node of a flow started by an HTTP request; outputs the request."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field

from deca.nodes.base import NodeConfig, NodeSpec
from deca.nodes.common import OpenOutput

__all__ = ["SPEC", "WebhookTriggerConfig", "WebhookTriggerOutput"]


class WebhookTriggerConfig(NodeConfig):
    """Config of the webhook_trigger node (the flow's `triggers[]` entry does the routing)."""

    path: str | None = Field(
        default=None,
        pattern=r"^/?[A-Za-z0-9/_.-]{1,200}$",
        description="Path of the matching webhook trigger",
    )
    method: Literal["GET", "POST", "PUT", "PATCH", "DELETE"] | None = Field(
        default=None, description="HTTP method of the matching webhook trigger"
    )


class WebhookTriggerOutput(OpenOutput):
    """The execution input as the webhook receiver builds it (the body's fields are also top-level)."""

    body: Any = Field(default=None, description="The parsed request body")
    headers: dict[str, str] = Field(default_factory=dict, description="Request headers (lower-case names)")
    query: dict[str, str] = Field(default_factory=dict, description="Query string parameters")
    method: str | None = Field(default=None, description="HTTP method of the request")
    path: str | None = Field(default=None, description="Path the request was sent to")


SPEC = NodeSpec(
    type="webhook_trigger",
    category="trigger",
    description="Start here when the flow's webhook is called; outputs the request",
    config=WebhookTriggerConfig,
    output=WebhookTriggerOutput,
    kind="trigger",
    icon="webhook",
    example={"path": "/customer-signup", "method": "POST"},
)
