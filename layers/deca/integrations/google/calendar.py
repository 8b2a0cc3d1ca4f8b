"""Google Calendar API v3: create (with a Meet link), get, list, update and delete events."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from deca.integrations.google.client import google_api
from deca.integrations.rest import RestClient
from deca.nodes.google_calendar import GoogleCalendarConfig, GoogleCalendarOutput

if TYPE_CHECKING:
    from deca.nodes.context import NodeContext

__all__ = ["calendar_call", "event_summary"]

_SERVICE = "google_calendar"
_SEND_UPDATES = {"all": "all", "external_only": "externalOnly", "none": "none"}


def _when(value: str, timezone: str | None) -> dict[str, str]:
    if len(value) == 10:  # YYYY-MM-DD: an all-day event
        return {"date": value}
    return {"dateTime": value, **({"timeZone": timezone} if timezone else {})}


def _meet_link(event: dict[str, Any]) -> str | None:
    link = event.get("hangoutLink")
    if link:
        return str(link)
    for entry in event.get("conferenceData", {}).get("entryPoints", []):
        if entry.get("entryPointType") == "video":
            return str(entry.get("uri"))
    return None


def event_summary(event: dict[str, Any]) -> dict[str, Any]:
    """An event resource as {id, summary, description, location, start, end, attendees, status, html_link}."""
    return {
        "id": event.get("id"),
        "summary": event.get("summary"),
        "description": event.get("description"),
        "location": event.get("location"),
        "start": event.get("start"),
        "end": event.get("end"),
        "attendees": [a.get("email") for a in event.get("attendees", [])],
        "status": event.get("status"),
        "html_link": event.get("htmlLink"),
        "meet_link": _meet_link(event),
    }


def _event_body(config: GoogleCalendarConfig) -> dict[str, Any]:
    body: dict[str, Any] = {
        "summary": config.summary,
        "description": config.description,
        "location": config.location,
    }
    if config.start is not None:
        body["start"] = _when(config.start, config.timezone)
    if config.end is not None:
        body["end"] = _when(config.end, config.timezone)
    if config.attendees is not None:
        body["attendees"] = [{"email": email} for email in config.attendees]
    if config.add_video_call:
        body["conferenceData"] = {
            "createRequest": {
                "requestId": uuid.uuid4().hex,
                "conferenceSolutionKey": {"type": "hangoutsMeet"},
            }
        }
    return {k: v for k, v in body.items() if v is not None}


def _output(event: dict[str, Any]) -> GoogleCalendarOutput:
    summary = event_summary(event)
    return GoogleCalendarOutput(event=summary, event_id=summary["id"], meet_link=summary["meet_link"])


def _list(api: RestClient, path: str, config: GoogleCalendarConfig) -> GoogleCalendarOutput:
    wanted = config.max_results or 250
    events: list[dict[str, Any]] = []
    token = None
    while len(events) < wanted:
        params = {
            "timeMin": config.time_min,
            "timeMax": config.time_max,
            "q": config.query,
            "maxResults": min(wanted - len(events), 2500),
            "singleEvents": "true",
            "orderBy": "startTime",
            "pageToken": token,
        }
        page = api.call("GET", path, params=params)
        events.extend(event_summary(e) for e in page.get("items", []))
        token = page.get("nextPageToken")
        if not token:
            break
    return GoogleCalendarOutput(events=events[:wanted])


def calendar_call(config: GoogleCalendarConfig, ctx: NodeContext) -> GoogleCalendarOutput:
    """Run the configured Calendar operation and map the answer to the node output."""
    path = f"/calendars/{quote(config.calendar_id, safe='@')}/events"
    updates = {"sendUpdates": _SEND_UPDATES[config.send_updates or "all"]}
    with google_api(ctx, config.credential_id, _SERVICE) as api:
        op = config.operation
        if op == "list_events":
            return _list(api, path, config)
        if op == "create_event":
            params = {**updates, "conferenceDataVersion": 1 if config.add_video_call else None}
            return _output(api.call("POST", path, params=params, json=_event_body(config)))
        event_path = f"{path}/{quote(config.event_id or '', safe='')}"
        if op == "get_event":
            return _output(api.call("GET", event_path))
        if op == "update_event":
            return _output(api.call("PATCH", event_path, params=updates, json=_event_body(config)))
        api.request("DELETE", event_path, params=updates)
        return GoogleCalendarOutput(event_id=config.event_id)
