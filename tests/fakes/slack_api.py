"""A loopback fake of the Slack Web API (`https://slack.com/api/<method>`) speaking its wire format.

Methods answer HTTP 200 with `{"ok": true, ...}` or `{"ok": false, "error": "<code>"}` like Slack does;
a bad bearer token is `invalid_auth`; `rate_limit_next(n, retry_after)` makes the next n calls answer
HTTP 429 with `Retry-After`. Messages posted are kept per channel.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs

from tests.fakes.http_server import FakeHttpServer, FakeRequest, FakeResponse

__all__ = ["FakeSlack"]


@dataclass
class FakeSlack:
    """Channels by id and name, users by email, the bot token it accepts."""

    token: str = "xoxb-test"
    channels: dict[str, str] = field(default_factory=lambda: {"C0SALES": "sales", "C0OPS": "ops"})
    users: dict[str, dict[str, Any]] = field(
        default_factory=lambda: {
            "ada@example.com": {
                "id": "U0ADA",
                "name": "ada",
                "real_name": "Ada Lovelace",
                "profile": {"email": "ada@example.com"},
            }
        }
    )
    messages: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    reactions: list[tuple[str, str, str]] = field(default_factory=list)
    denied_methods: set[str] = field(default_factory=set)  # answered with `missing_scope`
    server: FakeHttpServer = field(default_factory=FakeHttpServer)
    _throttle: list[str] = field(default_factory=list)
    _clock: int = 1_700_000_000

    def __post_init__(self) -> None:
        self.server.route("POST", r"/api/([a-zA-Z.]+)", self._post)
        self.server.route("GET", r"/api/([a-zA-Z.]+)", self._get)

    @property
    def base_url(self) -> str:
        """The override for the `slack` service: `http://127.0.0.1:<port>/api`."""
        return f"{self.server.base_url}/api"

    def served(self) -> Iterator[FakeSlack]:
        """Run the server for a fixture."""
        with self.server:
            yield self

    def rate_limit_next(self, calls: int, retry_after: int = 1) -> None:
        """The next `calls` calls answer 429 with this Retry-After."""
        self._throttle.extend([str(retry_after)] * calls)

    def _channel(self, ref: str) -> str | None:
        if ref in self.channels:
            return ref
        name = ref.lstrip("#")
        return next((cid for cid, cname in self.channels.items() if cname == name), None)

    def _gate(self, request: FakeRequest) -> FakeResponse | None:
        if self._throttle:
            return FakeResponse(
                429, {"ok": False, "error": "ratelimited"}, {"Retry-After": self._throttle.pop(0)}
            )
        if request.headers.get("authorization") != f"Bearer {self.token}":
            return FakeResponse(200, {"ok": False, "error": "invalid_auth"})
        return None

    def _post(self, request: FakeRequest, match: re.Match[str]) -> FakeResponse:
        refused = self._gate(request)
        if refused:
            return refused
        if request.headers.get("content-type", "").startswith("application/json"):
            args = request.json()
        else:
            args = {k: v[0] for k, v in parse_qs(request.body.decode()).items()}
        return FakeResponse(200, self._call(match.group(1), args))

    def _get(self, request: FakeRequest, match: re.Match[str]) -> FakeResponse:
        refused = self._gate(request)
        if refused:
            return refused
        return FakeResponse(200, self._call(match.group(1), {k: v[0] for k, v in request.query.items()}))

    def _call(self, method: str, args: dict[str, Any]) -> dict[str, Any]:
        if method in self.denied_methods:
            return {"ok": False, "error": "missing_scope", "needed": "links:read"}
        if method == "users.lookupByEmail":
            user = self.users.get(args.get("email", ""))
            return {"ok": True, "user": user} if user else {"ok": False, "error": "users_not_found"}
        channel = self._channel(str(args.get("channel", "")))
        if channel is None:
            return {"ok": False, "error": "channel_not_found"}
        posted = self.messages.setdefault(channel, [])
        if method == "chat.postMessage":
            if not args.get("text") and not args.get("blocks"):
                return {"ok": False, "error": "no_text"}
            self._clock += 1
            message = {**args, "ts": f"{self._clock}.000100", "type": "message"}
            posted.append(message)
            return {"ok": True, "channel": channel, "ts": message["ts"], "message": message}
        found = next(
            (m for m in posted if m["ts"] == args.get("ts", args.get("timestamp", args.get("message_ts")))),
            None,
        )
        if found is None:
            return {"ok": False, "error": "message_not_found"}
        if method == "chat.getPermalink":
            return {
                "ok": True,
                "channel": channel,
                "permalink": f"https://acme.slack.com/archives/{channel}/p{found['ts'].replace('.', '')}",
            }
        if method == "chat.update":
            found.update({k: v for k, v in args.items() if k in ("text", "blocks")})
            return {"ok": True, "channel": channel, "ts": found["ts"], "text": found.get("text")}
        if method == "chat.delete":
            posted.remove(found)
            return {"ok": True, "channel": channel, "ts": found["ts"]}
        if method == "reactions.add":
            key = (channel, found["ts"], str(args.get("name")))
            if key in self.reactions:
                return {"ok": False, "error": "already_reacted"}
            self.reactions.append(key)
            return {"ok": True}
        return {"ok": False, "error": "unknown_method"}
