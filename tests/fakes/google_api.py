"""A loopback fake of Google's REST APIs: OAuth token endpoint, Sheets v4, Gmail v1, Drive v3, Calendar v3.

One server holds every API under its real path prefix (`/v4/spreadsheets`, `/gmail/v1/users/me`,
`/drive/v3/files`, `/upload/drive/v3/files`, `/calendar/v3/calendars`, `/token`), so each service's base
URL override is `<server>/<prefix>`. Requests need `Authorization: Bearer <one of tokens>`; errors use
Google's `{"error": {"code", "message", "status"}}` body. State lives in plain dicts tests can read.
"""

from __future__ import annotations

import base64
import email
import email.policy
import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, unquote

import jwt

from tests.fakes.http_server import FakeHttpServer, FakeRequest, FakeResponse

__all__ = ["FakeGoogle", "google_error"]

Handler = Callable[[FakeRequest, "re.Match[str]"], FakeResponse]


def google_error(code: int, message: str, status: str) -> FakeResponse:
    """An error response in Google's JSON format."""
    return FakeResponse(code, {"error": {"code": code, "message": message, "status": status, "errors": []}})


_NOT_FOUND = google_error(404, "Requested entity was not found.", "NOT_FOUND")
_A1 = re.compile(r"^(?:([A-Z]+)?(\d+)?)(?::([A-Z]+)?(\d+)?)?$")


def _col(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n - 1


def _letters(index: int) -> str:
    out = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        out = chr(65 + rem) + out
    return out


@dataclass
class FakeGoogle:
    """The state of one Google account: spreadsheets, mailbox, drive, calendars."""

    tokens: set[str] = field(default_factory=lambda: {"ya29.test"})
    oauth_clients: dict[str, str] = field(default_factory=lambda: {"client-1": "secret-1"})
    refresh_tokens: set[str] = field(default_factory=lambda: {"1//refresh"})
    service_accounts: dict[str, str] = field(default_factory=dict)  # client_email -> public key PEM
    spreadsheets: dict[str, dict[str, Any]] = field(default_factory=dict)
    messages: dict[str, dict[str, Any]] = field(default_factory=dict)
    sent: list[email.message.EmailMessage] = field(default_factory=list)
    labels: list[dict[str, str]] = field(
        default_factory=lambda: [
            {"id": "INBOX", "name": "INBOX", "type": "system"},
            {"id": "UNREAD", "name": "UNREAD", "type": "system"},
            {"id": "SENT", "name": "SENT", "type": "system"},
            {"id": "Label_1", "name": "Customers", "type": "user"},
        ]
    )
    files: dict[str, dict[str, Any]] = field(default_factory=dict)
    events: dict[str, dict[str, dict[str, Any]]] = field(default_factory=lambda: {"primary": {}})
    server: FakeHttpServer = field(default_factory=FakeHttpServer)
    _ids: int = 0

    def __post_init__(self) -> None:
        self.server.route("POST", "/token", self._token)
        routes: list[tuple[str, str, Handler]] = [
            ("POST", r"/v4/spreadsheets", self._create_spreadsheet),
            ("GET", r"/v4/spreadsheets/([^/]+)/values/(.+)", self._values_get),
            ("PUT", r"/v4/spreadsheets/([^/]+)/values/(.+)", self._values_update),
            ("POST", r"/v4/spreadsheets/([^/]+)/values/(.+?):(append|clear)", self._values_post),
            ("POST", r"/gmail/v1/users/me/messages/send", self._gmail_send),
            ("GET", r"/gmail/v1/users/me/messages", self._gmail_list),
            ("GET", r"/gmail/v1/users/me/messages/([^/]+)", self._gmail_get),
            ("POST", r"/gmail/v1/users/me/messages/([^/]+)/modify", self._gmail_modify),
            ("GET", r"/gmail/v1/users/me/labels", lambda _r, _m: FakeResponse(200, {"labels": self.labels})),
            ("GET", r"/drive/v3/files", self._drive_list),
            ("POST", r"/drive/v3/files", self._drive_create),
            ("POST", r"/upload/drive/v3/files", self._drive_upload),
            ("GET", r"/drive/v3/files/([^/]+)", self._drive_get),
            ("GET", r"/drive/v3/files/([^/]+)/export", self._drive_export),
            ("POST", r"/drive/v3/files/([^/]+)/permissions", self._drive_share),
            ("DELETE", r"/drive/v3/files/([^/]+)", self._drive_delete),
            ("GET", r"/calendar/v3/calendars/([^/]+)/events", self._events_list),
            ("POST", r"/calendar/v3/calendars/([^/]+)/events", self._events_insert),
            ("GET", r"/calendar/v3/calendars/([^/]+)/events/([^/]+)", self._event_get),
            ("PATCH", r"/calendar/v3/calendars/([^/]+)/events/([^/]+)", self._event_patch),
            ("DELETE", r"/calendar/v3/calendars/([^/]+)/events/([^/]+)", self._event_delete),
        ]
        for method, pattern, handler in routes:
            self.server.route(method, pattern, self._authorised(handler))

    def served(self) -> Iterator[FakeGoogle]:
        """Run the server for a fixture."""
        with self.server:
            yield self

    def base_urls(self) -> dict[str, str]:
        """`ctx.services["base_urls"]` entries aiming every Google service at this fake."""
        root = self.server.base_url
        return {
            "google_oauth": f"{root}/token",
            "google_sheets": f"{root}/v4",
            "google_gmail": f"{root}/gmail/v1",
            "google_drive": f"{root}/drive/v3",
            "google_drive_upload": f"{root}/upload/drive/v3",
            "google_calendar": f"{root}/calendar/v3",
        }

    def _next_id(self, prefix: str) -> str:
        self._ids += 1
        return f"{prefix}{self._ids:04d}"

    def _authorised(self, handler: Handler) -> Handler:
        def gate(request: FakeRequest, match: re.Match[str]) -> FakeResponse:
            bearer = request.headers.get("authorization", "").removeprefix("Bearer ")
            if bearer not in self.tokens:
                return google_error(401, "Request had invalid authentication credentials.", "UNAUTHENTICATED")
            return handler(request, match)

        return gate

    # OAuth 2 token endpoint ------------------------------------------------------------------------------

    def _token(self, request: FakeRequest, _m: re.Match[str]) -> FakeResponse:
        form = {k: v[0] for k, v in parse_qs(request.body.decode()).items()}
        grant = form.get("grant_type")
        if grant == "refresh_token":
            client_ok = self.oauth_clients.get(form.get("client_id", "")) == form.get("client_secret")
            if not client_ok or form.get("refresh_token") not in self.refresh_tokens:
                return FakeResponse(400, {"error": "invalid_grant", "error_description": "Bad Request"})
        elif grant == "urn:ietf:params:oauth:grant-type:jwt-bearer":
            try:
                unverified = jwt.decode(form.get("assertion", ""), options={"verify_signature": False})
                key = self.service_accounts[unverified["iss"]]
                # Signature, audience and lifetime (at most an hour) are checked, not the wall clock:
                # nodes under test run on a fake clock.
                claims = jwt.decode(
                    form["assertion"],
                    key,
                    algorithms=["RS256"],
                    audience=f"{self.server.base_url}/token",
                    options={"verify_exp": False, "verify_iat": False, "verify_nbf": False},
                )
                if not 0 < claims["exp"] - claims["iat"] <= 3600 or not claims.get("scope"):
                    raise KeyError("lifetime")
            except (jwt.PyJWTError, KeyError):
                return FakeResponse(
                    400, {"error": "invalid_grant", "error_description": "Invalid JWT Signature."}
                )
        else:
            return FakeResponse(400, {"error": "unsupported_grant_type"})
        token = f"ya29.{self._next_id('fresh')}"
        self.tokens.add(token)
        return FakeResponse(200, {"access_token": token, "expires_in": 3599, "token_type": "Bearer"})

    # Sheets v4 ------------------------------------------------------------------------------------------

    def add_spreadsheet(self, sheets: dict[str, list[list[Any]]], title: str = "Sheet") -> str:
        """Store a spreadsheet ({sheet name: rows}) and return its id."""
        sid = self._next_id("sheet")
        self.spreadsheets[sid] = {
            "title": title,
            "sheets": {name: [list(r) for r in rows] for name, rows in sheets.items()},
        }
        return sid

    def _create_spreadsheet(self, request: FakeRequest, _m: re.Match[str]) -> FakeResponse:
        title = request.json().get("properties", {}).get("title", "Untitled spreadsheet")
        sid = self.add_spreadsheet({"Sheet1": []}, title)
        return FakeResponse(
            200,
            {
                "spreadsheetId": sid,
                "properties": {"title": title},
                "spreadsheetUrl": f"https://docs.google.com/spreadsheets/d/{sid}/edit",
            },
        )

    def _range(
        self, sid: str, a1: str
    ) -> tuple[list[list[Any]], str, int, int, int | None, int | None] | FakeResponse:
        book = self.spreadsheets.get(sid)
        if book is None:
            return _NOT_FOUND
        text = unquote(a1)
        name, _, cells = text.partition("!")
        if name not in book["sheets"]:
            return google_error(400, f"Unable to parse range: {text}", "INVALID_ARGUMENT")
        parsed = _A1.match(cells)
        if parsed is None:
            return google_error(400, f"Unable to parse range: {text}", "INVALID_ARGUMENT")
        c1, r1, c2, r2 = parsed.groups()
        return (
            book["sheets"][name],
            name,
            int(r1) - 1 if r1 else 0,
            _col(c1) if c1 else 0,
            int(r2) if r2 else (int(r1) if r1 and not c2 and ":" not in cells else None),
            _col(c2) + 1 if c2 else None,
        )

    def _values_get(self, _r: FakeRequest, match: re.Match[str]) -> FakeResponse:
        found = self._range(match.group(1), match.group(2))
        if isinstance(found, FakeResponse):
            return found
        grid, _name, row0, col0, row_end, col_end = found
        rows = [r[col0:col_end] for r in grid[row0:row_end]]
        while rows and not any(c != "" for c in rows[-1]):
            rows.pop()
        body: dict[str, Any] = {"range": unquote(match.group(2)), "majorDimension": "ROWS"}
        if rows:
            body["values"] = rows
        return FakeResponse(200, body)

    def _write(self, grid: list[list[Any]], row0: int, col0: int, values: list[list[Any]]) -> None:
        for i, row in enumerate(values):
            while len(grid) <= row0 + i:
                grid.append([])
            target = grid[row0 + i]
            while len(target) < col0 + len(row):
                target.append("")
            target[col0 : col0 + len(row)] = row

    def _values_update(self, request: FakeRequest, match: re.Match[str]) -> FakeResponse:
        if request.arg("valueInputOption") not in ("RAW", "USER_ENTERED"):
            return google_error(400, "'valueInputOption' is required but not specified", "INVALID_ARGUMENT")
        found = self._range(match.group(1), match.group(2))
        if isinstance(found, FakeResponse):
            return found
        grid, name, row0, col0, _, _ = found
        values = request.json()["values"]
        self._write(grid, row0, col0, values)
        width = max((len(r) for r in values), default=0)
        updated = f"{name}!{_letters(col0)}{row0 + 1}:{_letters(col0 + width - 1)}{row0 + len(values)}"
        return FakeResponse(
            200,
            {
                "spreadsheetId": match.group(1),
                "updatedRange": updated,
                "updatedRows": len(values),
                "updatedColumns": width,
                "updatedCells": sum(len(r) for r in values),
            },
        )

    def _values_post(self, request: FakeRequest, match: re.Match[str]) -> FakeResponse:
        found = self._range(match.group(1), match.group(2))
        if isinstance(found, FakeResponse):
            return found
        grid, name, row0, col0, row_end, col_end = found
        if match.group(3) == "clear":
            for row in grid[row0:row_end]:
                stop = len(row) if col_end is None else min(col_end, len(row))
                row[col0:stop] = [""] * max(0, stop - col0)
            return FakeResponse(
                200, {"spreadsheetId": match.group(1), "clearedRange": unquote(match.group(2))}
            )
        if request.arg("valueInputOption") not in ("RAW", "USER_ENTERED"):
            return google_error(400, "'valueInputOption' is required but not specified", "INVALID_ARGUMENT")
        values = request.json()["values"]
        start = len(grid)
        while start > 0 and not any(c != "" for c in grid[start - 1]):
            start -= 1
        self._write(grid, start, col0, values)
        width = max((len(r) for r in values), default=0)
        updated = f"{name}!{_letters(col0)}{start + 1}:{_letters(col0 + width - 1)}{start + len(values)}"
        return FakeResponse(
            200,
            {
                "spreadsheetId": match.group(1),
                "tableRange": f"{name}!A1:{_letters(width - 1)}{start}",
                "updates": {
                    "spreadsheetId": match.group(1),
                    "updatedRange": updated,
                    "updatedRows": len(values),
                    "updatedColumns": width,
                    "updatedCells": sum(len(r) for r in values),
                },
            },
        )

    # Gmail v1 -------------------------------------------------------------------------------------------

    def add_message(
        self,
        *,
        sender: str,
        to: str,
        subject: str,
        text: str,
        labels: tuple[str, ...] = ("INBOX", "UNREAD"),
        message_id: str | None = None,
        html: str | None = None,
    ) -> dict[str, Any]:
        """Store a received message (a Gmail message resource) and return it."""
        mid = self._next_id("msg")
        headers = [
            {"name": "From", "value": sender},
            {"name": "To", "value": to},
            {"name": "Subject", "value": subject},
            {"name": "Date", "value": "Mon, 1 Jan 2024 10:00:00 +0000"},
            {"name": "Message-ID", "value": message_id or f"<{mid}@mail.example.com>"},
        ]

        def part(mime: str, content: str) -> dict[str, Any]:
            data = base64.urlsafe_b64encode(content.encode()).decode().rstrip("=")
            return {"mimeType": mime, "body": {"size": len(content), "data": data}}

        parts = [part("text/plain", text)] + ([part("text/html", html)] if html else [])
        payload = {
            "mimeType": "multipart/alternative",
            "headers": headers,
            "parts": parts,
            "body": {"size": 0},
        }
        message = {
            "id": mid,
            "threadId": f"thr-{mid}",
            "labelIds": list(labels),
            "snippet": text[:100],
            "payload": payload,
        }
        self.messages[mid] = message
        return message

    def _gmail_send(self, request: FakeRequest, _m: re.Match[str]) -> FakeResponse:
        body = request.json()
        raw = body.get("raw", "")
        try:
            data = base64.urlsafe_b64decode(raw + "=" * (-len(raw) % 4))
        except ValueError:
            return google_error(400, "Invalid value for ByteString", "INVALID_ARGUMENT")
        parsed = email.message_from_bytes(data, policy=email.policy.default)
        if not parsed["To"]:
            return google_error(400, "Invalid To header", "INVALID_ARGUMENT")
        assert isinstance(parsed, email.message.EmailMessage)
        self.sent.append(parsed)
        mid = self._next_id("sent")
        thread = body.get("threadId") or f"thr-{mid}"
        self.messages[mid] = {
            "id": mid,
            "threadId": thread,
            "labelIds": ["SENT"],
            "snippet": "",
            "payload": {
                "headers": [{"name": k, "value": str(v)} for k, v in parsed.items()],
                "mimeType": parsed.get_content_type(),
            },
        }
        return FakeResponse(200, {"id": mid, "threadId": thread, "labelIds": ["SENT"]})

    def _matches(self, message: dict[str, Any], query: str) -> bool:
        headers = {h["name"].lower(): h["value"] for h in message["payload"].get("headers", [])}
        for term in query.split():
            name, sep, value = term.partition(":")
            if sep and name == "from":
                ok = value.lower() in headers.get("from", "").lower()
            elif sep and name == "is":
                ok = value.upper() in message["labelIds"]
            else:
                ok = term.lower() in (headers.get("subject", "") + " " + message["snippet"]).lower()
            if not ok:
                return False
        return True

    def _gmail_list(self, request: FakeRequest, _m: re.Match[str]) -> FakeResponse:
        found = [m for m in self.messages.values() if self._matches(m, request.arg("q") or "")]
        size, start = int(request.arg("maxResults") or 100), int(request.arg("pageToken") or 0)
        page = found[start : start + size]
        body: dict[str, Any] = {"resultSizeEstimate": len(found)}
        if page:
            body["messages"] = [{"id": m["id"], "threadId": m["threadId"]} for m in page]
        if start + size < len(found):
            body["nextPageToken"] = str(start + size)
        return FakeResponse(200, body)

    def _gmail_get(self, request: FakeRequest, match: re.Match[str]) -> FakeResponse:
        message = self.messages.get(match.group(1))
        if message is None:
            return _NOT_FOUND
        if request.arg("format") == "metadata":
            wanted = {n.lower() for n in request.query.get("metadataHeaders", [])}
            headers = [h for h in message["payload"]["headers"] if not wanted or h["name"].lower() in wanted]
            return FakeResponse(200, {**message, "payload": {"headers": headers}})
        return FakeResponse(200, message)

    def _gmail_modify(self, request: FakeRequest, match: re.Match[str]) -> FakeResponse:
        message = self.messages.get(match.group(1))
        if message is None:
            return _NOT_FOUND
        body = request.json()
        known = {label["id"] for label in self.labels}
        if any(i not in known for i in body.get("addLabelIds", []) + body.get("removeLabelIds", [])):
            return google_error(400, "Invalid label", "INVALID_ARGUMENT")
        message["labelIds"] = [i for i in message["labelIds"] if i not in body.get("removeLabelIds", [])]
        message["labelIds"] += [i for i in body.get("addLabelIds", []) if i not in message["labelIds"]]
        return FakeResponse(
            200, {"id": message["id"], "threadId": message["threadId"], "labelIds": message["labelIds"]}
        )

    # Drive v3 -------------------------------------------------------------------------------------------

    def add_file(
        self, name: str, content: bytes, mime_type: str = "text/plain", parents: tuple[str, ...] = ()
    ) -> dict[str, Any]:
        """Store a file and return its resource."""
        fid = self._next_id("file")
        self.files[fid] = {
            "id": fid,
            "name": name,
            "mimeType": mime_type,
            "parents": list(parents) or ["root"],
            "size": str(len(content)),
            "webViewLink": f"https://drive.google.com/file/d/{fid}/view",
            "modifiedTime": "2024-01-01T00:00:00.000Z",
            "content": content,
            "trashed": False,
            "permissions": [],
        }
        return self.files[fid]

    @staticmethod
    def _resource(file: dict[str, Any]) -> dict[str, Any]:
        return {k: v for k, v in file.items() if k not in ("content", "trashed", "permissions")}

    def _file_matches(self, file: dict[str, Any], query: str) -> bool:
        for term in (t.strip().strip("()") for t in query.split(" and ") if t.strip()):
            if term == "trashed = false":
                ok = not file["trashed"]
            elif m := re.fullmatch(r"'([^']+)' in parents", term):
                ok = m.group(1) in file["parents"]
            elif m := re.fullmatch(r"name contains '([^']+)'", term):
                ok = m.group(1).lower() in file["name"].lower()
            elif m := re.fullmatch(r"mimeType = '([^']+)'", term):
                ok = file["mimeType"] == m.group(1)
            else:
                raise ValueError(term)
            if not ok:
                return False
        return True

    def _drive_list(self, request: FakeRequest, _m: re.Match[str]) -> FakeResponse:
        try:
            found = [f for f in self.files.values() if self._file_matches(f, request.arg("q") or "")]
        except ValueError as exc:
            return google_error(400, f"Invalid Value: {exc}", "INVALID_ARGUMENT")
        size, start = int(request.arg("pageSize") or 100), int(request.arg("pageToken") or 0)
        body: dict[str, Any] = {
            "kind": "drive#fileList",
            "files": [self._resource(f) for f in found[start : start + size]],
        }
        if start + size < len(found):
            body["nextPageToken"] = str(start + size)
        return FakeResponse(200, body)

    def _drive_create(self, request: FakeRequest, _m: re.Match[str]) -> FakeResponse:
        meta = request.json()
        file = self.add_file(
            meta["name"],
            b"",
            meta.get("mimeType", "application/octet-stream"),
            tuple(meta.get("parents", [])),
        )
        return FakeResponse(200, self._resource(file))

    def _drive_upload(self, request: FakeRequest, _m: re.Match[str]) -> FakeResponse:
        if request.arg("uploadType") != "multipart" or not request.headers.get("content-type", "").startswith(
            "multipart/related"
        ):
            return google_error(400, "Bad upload request", "INVALID_ARGUMENT")
        envelope = f"Content-Type: {request.headers['content-type']}\r\n\r\n".encode() + request.body
        parsed = email.message_from_bytes(envelope, policy=email.policy.HTTP)
        parts = list(parsed.iter_parts()) if isinstance(parsed, email.message.EmailMessage) else []
        if len(parts) != 2:
            return google_error(400, "Multipart upload needs metadata and media", "INVALID_ARGUMENT")
        meta = json.loads(parts[0].get_payload(decode=True))
        content = parts[1].get_payload(decode=True)
        file = self.add_file(
            meta["name"],
            content,
            meta.get("mimeType", parts[1].get_content_type()),
            tuple(meta.get("parents", [])),
        )
        return FakeResponse(200, self._resource(file))

    def _drive_get(self, request: FakeRequest, match: re.Match[str]) -> FakeResponse:
        file = self.files.get(match.group(1))
        if file is None or file["trashed"]:
            return google_error(404, f"File not found: {match.group(1)}.", "NOT_FOUND")
        if request.arg("alt") == "media":
            if file["mimeType"].startswith("application/vnd.google-apps."):
                return google_error(
                    403,
                    "Only files with binary content can be downloaded. Use Export with Docs Editors files.",
                    "PERMISSION_DENIED",
                )
            return FakeResponse(200, file["content"], {"Content-Type": file["mimeType"]})
        return FakeResponse(200, self._resource(file))

    def _drive_export(self, request: FakeRequest, match: re.Match[str]) -> FakeResponse:
        file = self.files.get(match.group(1))
        if file is None:
            return google_error(404, f"File not found: {match.group(1)}.", "NOT_FOUND")
        return FakeResponse(200, file["content"], {"Content-Type": request.arg("mimeType") or "text/plain"})

    def _drive_share(self, request: FakeRequest, match: re.Match[str]) -> FakeResponse:
        file = self.files.get(match.group(1))
        if file is None:
            return google_error(404, f"File not found: {match.group(1)}.", "NOT_FOUND")
        permission = {"id": self._next_id("perm"), **request.json()}
        file["permissions"].append(permission)
        return FakeResponse(200, permission)

    def _drive_delete(self, _r: FakeRequest, match: re.Match[str]) -> FakeResponse:
        if self.files.pop(match.group(1), None) is None:
            return google_error(404, f"File not found: {match.group(1)}.", "NOT_FOUND")
        return FakeResponse(204)

    # Calendar v3 ----------------------------------------------------------------------------------------

    def _calendar(self, cid: str) -> dict[str, dict[str, Any]] | None:
        return self.events.get(unquote(cid))

    def _events_list(self, request: FakeRequest, match: re.Match[str]) -> FakeResponse:
        calendar = self._calendar(match.group(1))
        if calendar is None:
            return _NOT_FOUND

        def start(e: dict[str, Any]) -> str:
            return str(e["start"].get("dateTime") or e["start"].get("date"))

        found = sorted(
            (
                e
                for e in calendar.values()
                if (not request.arg("timeMin") or start(e) >= str(request.arg("timeMin")))
                and (not request.arg("timeMax") or start(e) < str(request.arg("timeMax")))
                and (not request.arg("q") or str(request.arg("q")).lower() in e.get("summary", "").lower())
            ),
            key=start,
        )
        size, first = int(request.arg("maxResults") or 250), int(request.arg("pageToken") or 0)
        body: dict[str, Any] = {"kind": "calendar#events", "items": found[first : first + size]}
        if first + size < len(found):
            body["nextPageToken"] = str(first + size)
        return FakeResponse(200, body)

    def _events_insert(self, request: FakeRequest, match: re.Match[str]) -> FakeResponse:
        calendar = self._calendar(match.group(1))
        if calendar is None:
            return _NOT_FOUND
        body = request.json()
        if "start" not in body or "end" not in body:
            return google_error(400, "Missing end time.", "INVALID_ARGUMENT")
        eid = self._next_id("evt")
        event = {
            **body,
            "id": eid,
            "status": "confirmed",
            "htmlLink": f"https://www.google.com/calendar/event?eid={eid}",
            "sendUpdates": request.arg("sendUpdates"),
        }
        if "conferenceData" in body and request.arg("conferenceDataVersion") == "1":
            link = f"https://meet.google.com/{eid}"
            event["hangoutLink"] = link
            event["conferenceData"] = {"entryPoints": [{"entryPointType": "video", "uri": link}]}
        else:
            event.pop("conferenceData", None)
        calendar[eid] = event
        return FakeResponse(200, event)

    def _event_get(self, _r: FakeRequest, match: re.Match[str]) -> FakeResponse:
        calendar = self._calendar(match.group(1)) or {}
        event = calendar.get(match.group(2))
        return FakeResponse(200, event) if event else _NOT_FOUND

    def _event_patch(self, request: FakeRequest, match: re.Match[str]) -> FakeResponse:
        calendar = self._calendar(match.group(1)) or {}
        event = calendar.get(match.group(2))
        if event is None:
            return _NOT_FOUND
        event.update(request.json())
        return FakeResponse(200, event)

    def _event_delete(self, _r: FakeRequest, match: re.Match[str]) -> FakeResponse:
        calendar = self._calendar(match.group(1)) or {}
        if calendar.pop(match.group(2), None) is None:
            return google_error(410, "Resource has been deleted", "GONE")
        return FakeResponse(204)
