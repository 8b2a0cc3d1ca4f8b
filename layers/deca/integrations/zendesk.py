"""Zendesk Support API v2: tickets (create, get, update, comment, search), ticket comments, users.

Listings use Zendesk's cursor pagination (`page[size]`, `page[after]`, `meta.has_more`,
`meta.after_cursor`); search uses the export endpoint, the one that paginates by cursor. 429 answers
carry `Retry-After` and are retried by the REST client. Credential fields: `email` + `api_token`
(API token auth, `{email}/token:{api_token}`), or `access_token` (OAuth).
"""

from __future__ import annotations

import base64
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import httpx

from deca.integrations.context import base_url, credential, http_client, require_field, sleeper
from deca.integrations.errors import IntegrationConfigError, IntegrationError
from deca.integrations.rest import RestClient
from deca.nodes.zendesk import ZendeskConfig, ZendeskOutput

if TYPE_CHECKING:
    from deca.nodes.context import NodeContext

__all__ = ["error_detail", "zendesk_call"]

_SERVICE = "zendesk"
_PAGE_SIZE = 100


def error_detail(response: httpx.Response) -> str:
    """Zendesk's error text: `{"error": "RecordInvalid", "description": ..., "details": {...}}`."""
    try:
        body = response.json()
    except ValueError:
        return response.text[:300]
    if not isinstance(body, dict):
        return str(body)[:300]
    error = body.get("error")
    if isinstance(error, dict):
        return f"{error.get('title', '')}: {error.get('message', '')}".strip(": ")
    parts = [str(p) for p in (error, body.get("description")) if p]
    details = body.get("details")
    if isinstance(details, dict):
        for name, problems in details.items():
            for problem in problems if isinstance(problems, list) else [problems]:
                text = problem.get("description") if isinstance(problem, dict) else problem
                parts.append(f"{name}: {text}")
    return "; ".join(parts) or response.text[:300]


def _headers(config: ZendeskConfig, ctx: NodeContext) -> dict[str, str]:
    fields = credential(ctx, config.credential_id)
    if fields.get("access_token"):
        return {"Authorization": f"Bearer {fields['access_token']}"}
    email = require_field(fields, ("email",), service=_SERVICE, credential_id=config.credential_id)
    token = require_field(fields, ("api_token",), service=_SERVICE, credential_id=config.credential_id)
    pair = base64.b64encode(f"{email}/token:{token}".encode()).decode("ascii")
    return {"Authorization": f"Basic {pair}"}


def _ticket_id(config: ZendeskConfig) -> int:
    value = config.ticket_id
    try:
        number = int(value) if value is not None else 0
    except ValueError:
        number = 0
    if number < 1:
        raise IntegrationConfigError(f"config.ticket_id: '{value}' is not a ticket number", service=_SERVICE)
    return number


def _ticket_body(config: ZendeskConfig) -> dict[str, Any]:
    ticket: dict[str, Any] = {
        "subject": config.subject,
        "priority": config.priority,
        "status": config.status,
        "type": config.ticket_type,
        "tags": config.tags,
        "assignee_email": config.assignee_email,
        "group_id": config.group_id,
    }
    if config.comment is not None:
        ticket["comment"] = {
            "body": config.comment,
            "public": True if config.public is None else config.public,
        }
    if config.requester_email is not None:
        ticket["requester"] = {
            "email": config.requester_email,
            "name": config.requester_name or config.requester_email,
        }
    if config.custom_fields:
        fields = []
        for key, value in config.custom_fields.items():
            if not key.isdigit():
                raise IntegrationConfigError(
                    f"config.custom_fields.{key}: Zendesk custom field ids are numbers", service=_SERVICE
                )
            fields.append({"id": int(key), "value": value})
        ticket["custom_fields"] = fields
    return {"ticket": {k: v for k, v in ticket.items() if v is not None}}


def _cursor_pages(
    api: RestClient, path: str, key: str, params: dict[str, Any], limit: int
) -> Iterator[dict[str, Any]]:
    """Items of a cursor-paginated listing, at most `limit`."""
    count, after = 0, None
    while True:
        page = api.call(
            "GET", path, params={**params, "page[size]": min(_PAGE_SIZE, limit), "page[after]": after}
        )
        for item in page.get(key, []):
            yield item
            count += 1
            if count >= limit:
                return
        meta = page.get("meta", {})
        after = meta.get("after_cursor")
        if not meta.get("has_more") or not after:
            return


def _ticket_output(answer: Any) -> ZendeskOutput:
    if not isinstance(answer, dict) or not isinstance(answer.get("ticket"), dict):
        raise IntegrationError("zendesk answered without a ticket", service=_SERVICE)
    ticket = answer["ticket"]
    return ZendeskOutput(ticket=ticket, ticket_id=ticket.get("id"))


def zendesk_call(config: ZendeskConfig, ctx: NodeContext) -> ZendeskOutput:
    """Run the configured Zendesk operation and map the answer to the node output."""
    default = f"https://{config.subdomain}.zendesk.com/api/v2"
    with http_client(ctx) as client:
        api = RestClient(
            _SERVICE,
            client,
            base_url(ctx, _SERVICE, default),
            headers=_headers(config, ctx),
            sleep=sleeper(ctx),
            detail=error_detail,
        )
        op = config.operation
        limit = config.limit or 100
        if op == "create_ticket":
            return _ticket_output(api.call("POST", "/tickets.json", json=_ticket_body(config)))
        if op == "search_tickets":
            params = {"query": config.query, "filter[type]": "ticket"}
            tickets = list(_cursor_pages(api, "/search/export.json", "results", params, limit))
            return ZendeskOutput(tickets=tickets, count=len(tickets))
        if op == "find_user":
            users = api.call("GET", "/users/search.json", params={"query": f"email:{config.user_email}"}).get(
                "users", []
            )
            return ZendeskOutput(user=users[0] if users else None, count=len(users))
        ticket_id = _ticket_id(config)
        if op == "get_ticket":
            return _ticket_output(api.call("GET", f"/tickets/{ticket_id}.json"))
        if op == "list_comments":
            comments = list(_cursor_pages(api, f"/tickets/{ticket_id}/comments.json", "comments", {}, limit))
            return ZendeskOutput(ticket_id=ticket_id, comments=comments, count=len(comments))
        return _ticket_output(api.call("PUT", f"/tickets/{ticket_id}.json", json=_ticket_body(config)))
