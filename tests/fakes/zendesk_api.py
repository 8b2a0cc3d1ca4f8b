"""A loopback fake of the Zendesk Support API v2 speaking its JSON wire format.

Tickets, users and comments live in memory; listings paginate by cursor (`page[size]`, `page[after]`,
`meta.has_more`, `meta.after_cursor`, `links.next`); errors look like Zendesk's (`RecordNotFound`,
`RecordInvalid` with `details`); `rate_limit_next(n, retry_after)` answers 429 with `Retry-After`.
Auth is API-token basic auth (`{email}/token:{token}`) or an OAuth bearer token.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from tests.fakes.http_server import FakeHttpServer, FakeRequest, FakeResponse

__all__ = ["FakeZendesk"]

_NOT_FOUND = FakeResponse(404, {"error": "RecordNotFound", "description": "Not found"})


@dataclass
class FakeZendesk:
    """The in-memory help desk of one subdomain."""

    email: str = "agent@acme.com"
    api_token: str = "zd-token"
    tickets: dict[int, dict[str, Any]] = field(default_factory=dict)
    comments: dict[int, list[dict[str, Any]]] = field(default_factory=dict)
    users: dict[int, dict[str, Any]] = field(default_factory=dict)
    server: FakeHttpServer = field(default_factory=FakeHttpServer)
    _throttle: list[str] = field(default_factory=list)
    _ids: int = 100

    def __post_init__(self) -> None:
        routes = [
            ("POST", r"/api/v2/tickets\.json", self._create),
            ("GET", r"/api/v2/tickets/(\d+)\.json", self._get),
            ("PUT", r"/api/v2/tickets/(\d+)\.json", self._update),
            ("GET", r"/api/v2/tickets/(\d+)/comments\.json", self._comments),
            ("GET", r"/api/v2/search/export\.json", self._search),
            ("GET", r"/api/v2/users/search\.json", self._users),
        ]
        for method, pattern, handler in routes:
            self.server.route(method, pattern, self._gated(handler))

    @property
    def base_url(self) -> str:
        """The override for the `zendesk` service: `http://127.0.0.1:<port>/api/v2`."""
        return f"{self.server.base_url}/api/v2"

    def served(self) -> Iterator[FakeZendesk]:
        """Run the server for a fixture."""
        with self.server:
            yield self

    def rate_limit_next(self, calls: int, retry_after: int = 1) -> None:
        """The next `calls` requests answer 429 with this Retry-After."""
        self._throttle.extend([str(retry_after)] * calls)

    def add_user(self, email: str, name: str, role: str = "end-user") -> dict[str, Any]:
        """Store a user and return it."""
        self._ids += 1
        user = {"id": self._ids, "email": email, "name": name, "role": role}
        self.users[self._ids] = user
        return user

    def add_ticket(self, subject: str, body: str, **fields: Any) -> dict[str, Any]:
        """Store a ticket with its first comment and return it."""
        self._ids += 1
        ticket = {
            "id": self._ids,
            "url": f"https://acme.zendesk.com/api/v2/tickets/{self._ids}.json",
            "subject": subject,
            "description": body,
            "status": "new",
            "priority": None,
            "type": None,
            "tags": [],
            "requester_id": None,
            "assignee_id": None,
            "group_id": None,
            "custom_fields": [],
            "created_at": "2024-01-01T00:00:00Z",
            "updated_at": "2024-01-01T00:00:00Z",
            **fields,
        }
        self.tickets[ticket["id"]] = ticket
        self._comment(ticket["id"], body, public=True, author=ticket["requester_id"])
        return ticket

    def _comment(self, ticket_id: int, body: str, *, public: bool, author: int | None) -> None:
        self._ids += 1
        self.comments.setdefault(ticket_id, []).append(
            {"id": self._ids, "type": "Comment", "author_id": author, "body": body, "public": public}
        )

    def _gated(self, handler: Any) -> Any:
        def gate(request: FakeRequest, match: re.Match[str]) -> FakeResponse:
            if self._throttle:
                return FakeResponse(429, {"error": "TooManyRequests"}, {"Retry-After": self._throttle.pop(0)})
            basic = base64.b64encode(f"{self.email}/token:{self.api_token}".encode()).decode()
            if request.headers.get("authorization") != f"Basic {basic}":
                return FakeResponse(401, {"error": "Couldn't authenticate you"})
            response: FakeResponse = handler(request, match)
            return response

        return gate

    def _requester(self, requester: dict[str, Any]) -> int:
        found = next((u for u in self.users.values() if u["email"] == requester["email"]), None)
        return (found or self.add_user(requester["email"], requester.get("name", requester["email"])))["id"]

    def _apply(self, ticket: dict[str, Any], fields: dict[str, Any]) -> None:
        for name in ("subject", "priority", "status", "type", "tags", "group_id", "custom_fields"):
            if name in fields:
                ticket[name] = fields[name]
        if "assignee_email" in fields:
            ticket["assignee_id"] = self._requester({"email": fields["assignee_email"]})
        comment = fields.get("comment")
        if comment:
            self._comment(ticket["id"], comment["body"], public=comment.get("public", True), author=None)

    def _create(self, request: FakeRequest, _m: re.Match[str]) -> FakeResponse:
        fields = request.json().get("ticket", {})
        comment = fields.get("comment") or {}
        if not comment.get("body"):
            return FakeResponse(
                422,
                {
                    "error": "RecordInvalid",
                    "description": "Record validation errors",
                    "details": {
                        "base": [{"description": "Description: cannot be blank", "error": "BlankValue"}]
                    },
                },
            )
        requester = self._requester(fields["requester"]) if "requester" in fields else None
        ticket = self.add_ticket(fields.get("subject", ""), comment["body"], requester_id=requester)
        self._apply(ticket, {k: v for k, v in fields.items() if k != "comment"})
        return FakeResponse(201, {"ticket": ticket})

    def _get(self, _r: FakeRequest, match: re.Match[str]) -> FakeResponse:
        ticket = self.tickets.get(int(match.group(1)))
        return FakeResponse(200, {"ticket": ticket}) if ticket else _NOT_FOUND

    def _update(self, request: FakeRequest, match: re.Match[str]) -> FakeResponse:
        ticket = self.tickets.get(int(match.group(1)))
        if ticket is None:
            return _NOT_FOUND
        self._apply(ticket, request.json().get("ticket", {}))
        return FakeResponse(200, {"ticket": ticket})

    def _page(self, request: FakeRequest, key: str, items: list[dict[str, Any]]) -> FakeResponse:
        size = int(request.arg("page[size]") or 100)
        start = int(request.arg("page[after]") or 0)
        chunk = items[start : start + size]
        more = start + size < len(items)
        after = str(start + size) if more else None
        return FakeResponse(
            200,
            {
                key: chunk,
                "meta": {"has_more": more, "after_cursor": after, "before_cursor": str(start)},
                "links": {"next": f"{self.base_url}{request.path}?page[after]={after}" if more else None},
            },
        )

    def _comments(self, request: FakeRequest, match: re.Match[str]) -> FakeResponse:
        ticket_id = int(match.group(1))
        if ticket_id not in self.tickets:
            return _NOT_FOUND
        return self._page(request, "comments", self.comments.get(ticket_id, []))

    def _search(self, request: FakeRequest, _m: re.Match[str]) -> FakeResponse:
        if request.arg("filter[type]") != "ticket":
            return FakeResponse(
                400, {"error": "InvalidPaginationParameter", "description": "filter[type] is required"}
            )
        wanted: dict[str, str] = {}
        words: list[str] = []
        for token in (request.arg("query") or "").split():
            name, sep, value = token.partition(":")
            if sep:
                wanted[name] = value
            else:
                words.append(token.lower())
        found = [
            t
            for t in self.tickets.values()
            if all(str(t.get(k)) == v for k, v in wanted.items())
            and all(w in t["subject"].lower() for w in words)
        ]
        return self._page(request, "results", [{**t, "result_type": "ticket"} for t in found])

    def _users(self, request: FakeRequest, _m: re.Match[str]) -> FakeResponse:
        query = request.arg("query") or ""
        email = query.removeprefix("email:")
        return FakeResponse(
            200, {"users": [u for u in self.users.values() if u["email"] == email], "count": 0}
        )
