"""`zendesk`: creates, reads, updates, comments on and searches Zendesk Support tickets, finds users."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Annotated, Any, ClassVar, Literal

from pydantic import Field

from deca.nodes.base import NodeOutput, NodeSpec
from deca.nodes.common import (
    OPERATION_HELP,
    CredentialId,
    EmailOrTemplate,
    Operation,
    OperationConfig,
    TemplateStr,
)

if TYPE_CHECKING:
    from deca.nodes.context import NodeContext
    from deca.nodes.task import NodeTask

__all__ = ["SPEC", "ZendeskConfig", "ZendeskOutput", "run"]

_TicketId = Annotated[int, Field(ge=1)] | TemplateStr


class ZendeskConfig(OperationConfig):
    """Config of the zendesk node."""

    operation: Literal[
        "create_ticket",
        "get_ticket",
        "update_ticket",
        "add_comment",
        "list_comments",
        "search_tickets",
        "find_user",
    ] = Field(description=OPERATION_HELP)
    subdomain: str = Field(pattern=r"^[a-z0-9][a-z0-9-]{0,62}$", description="`acme` for acme.zendesk.com")
    credential_id: CredentialId = Field(description="Zendesk API token or OAuth credential")
    ticket_id: _TicketId | None = Field(default=None, description="Ticket number, or a template giving it")
    subject: str | None = Field(
        description="Ticket subject (templates allowed)", default=None, min_length=1, max_length=500
    )
    comment: str | None = Field(default=None, min_length=1, description="Ticket description or comment text")
    public: bool | None = Field(default=None, description="Comment visible to the requester (default true)")
    requester_email: EmailOrTemplate | None = Field(
        default=None, description="Requester; created as an end user when unknown"
    )
    requester_name: str | None = Field(default=None, description="Name of a new requester")
    priority: Literal["low", "normal", "high", "urgent"] | None = Field(
        default=None, description="Ticket priority"
    )
    status: Literal["new", "open", "pending", "hold", "solved", "closed"] | None = Field(
        default=None, description="Ticket status"
    )
    ticket_type: Literal["problem", "incident", "question", "task"] | None = Field(
        default=None, description="Ticket type"
    )
    tags: list[str] | None = Field(default=None, description="Tags (replace the ticket's tags on update)")
    assignee_email: EmailOrTemplate | None = Field(
        default=None, description="Agent the ticket is assigned to"
    )
    group_id: int | None = Field(default=None, ge=1, description="Group the ticket is assigned to")
    custom_fields: dict[str, Any] | None = Field(default=None, description="Custom field id -> value")
    query: str | None = Field(default=None, description="Zendesk search, e.g. `status:open priority:urgent`")
    limit: int | None = Field(
        description="Maximum tickets or comments returned (default 100)", default=None, ge=1, le=1000
    )
    user_email: EmailOrTemplate | None = Field(
        default=None, description="Email of the user to find (find_user)"
    )

    _TICKET_FIELDS: ClassVar[tuple[str, ...]] = (
        "priority",
        "status",
        "ticket_type",
        "tags",
        "assignee_email",
        "group_id",
        "custom_fields",
    )
    OPERATIONS: ClassVar[Mapping[str, Operation]] = {
        "create_ticket": Operation(
            required=("subject", "comment"),
            optional=("requester_email", "requester_name", "public", *_TICKET_FIELDS),
        ),
        "get_ticket": Operation(required=("ticket_id",)),
        "update_ticket": Operation(
            required=("ticket_id",), optional=("subject", "comment", "public", *_TICKET_FIELDS)
        ),
        "add_comment": Operation(required=("ticket_id", "comment"), optional=("public",)),
        "list_comments": Operation(required=("ticket_id",), optional=("limit",)),
        "search_tickets": Operation(required=("query",), optional=("limit",)),
        "find_user": Operation(required=("user_email",)),
    }


class ZendeskOutput(NodeOutput):
    """What a zendesk node returns."""

    ticket: dict[str, Any] | None = Field(
        default=None, description="id, subject, status, priority, requester, tags, url, ... (all but search)"
    )
    ticket_id: int | None = Field(default=None, description="Id of the ticket created, read or changed")
    tickets: list[dict[str, Any]] = Field(
        default_factory=list, description="Matching tickets (search_tickets)"
    )
    count: int = Field(
        default=0,
        ge=0,
        description="Number of tickets, comments or users found (search_tickets, list_comments, find_user)",
    )
    comments: list[dict[str, Any]] = Field(
        default_factory=list, description="id, author_id, body, public, created_at (list_comments)"
    )
    user: dict[str, Any] | None = Field(
        default=None, description="id, name, email, role of the user found (find_user; none when unknown)"
    )


SPEC = NodeSpec(
    type="zendesk",
    category="integration",
    description="Create, read, update, comment on or search Zendesk Support tickets; list comments; find users",
    config=ZendeskConfig,
    output=ZendeskOutput,
    side_effects=True,
    icon="life-buoy",
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
        "operation": "create_ticket",
        "subdomain": "acme",
        "credential_id": "zendesk-acme",
        "subject": "{{ input.subject }}",
        "comment": "{{ input.body }}",
        "requester_email": "{{ input.email }}",
        "priority": "normal",
    },
)


def run(config: ZendeskConfig, task: NodeTask, ctx: NodeContext) -> ZendeskOutput:
    """Call the Zendesk Support API; creating a ticket or adding a comment happens once per execution and node."""
    from deca.integrations.zendesk import zendesk_call

    if config.operation in ("create_ticket", "add_comment"):
        from deca.integrations.idempotency import run_once

        return run_once(ctx, task, ZendeskOutput, lambda: zendesk_call(config, ctx))
    return zendesk_call(config, ctx)
