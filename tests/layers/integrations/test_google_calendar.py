"""The google_calendar node against a loopback fake of the Calendar API v3."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from deca.integrations.errors import IntegrationNotFound
from tests.fakes.google_api import FakeGoogle

Run = Callable[..., dict[str, Any]]
CREATE = {
    "operation": "create_event",
    "summary": "Onboarding call",
    "start": "2024-03-01T10:00:00Z",
    "end": "2024-03-01T10:30:00Z",
    "attendees": ["ada@example.com"],
}


def _event(google: FakeGoogle, summary: str, start: str) -> dict[str, Any]:
    eid = f"e-{summary}"
    event = {
        "id": eid,
        "summary": summary,
        "start": {"dateTime": start},
        "end": {"dateTime": start},
        "status": "confirmed",
    }
    google.events["primary"][eid] = event
    return event


def test_create_event_with_a_meet_link(run_google: Run, google: FakeGoogle) -> None:
    out = run_google("google_calendar", {**CREATE, "add_video_call": True, "timezone": "Europe/Paris"})
    stored = google.events["primary"][out["event_id"]]
    assert stored["attendees"] == [{"email": "ada@example.com"}]
    assert stored["start"] == {"dateTime": "2024-03-01T10:00:00Z", "timeZone": "Europe/Paris"}
    assert out["meet_link"] == stored["hangoutLink"]
    assert out["event"]["attendees"] == ["ada@example.com"]


def test_all_day_event_uses_dates(run_google: Run, google: FakeGoogle) -> None:
    out = run_google("google_calendar", {**CREATE, "start": "2024-03-01", "end": "2024-03-02"})
    assert google.events["primary"][out["event_id"]]["start"] == {"date": "2024-03-01"}


def test_send_updates_is_passed_in_calendar_spelling(run_google: Run, google: FakeGoogle) -> None:
    run_google("google_calendar", {**CREATE, "send_updates": "external_only"})
    assert google.server.requests[-1].arg("sendUpdates") == "externalOnly"


def test_create_event_is_not_repeated_for_the_same_execution(run_google: Run, google: FakeGoogle) -> None:
    assert run_google("google_calendar", CREATE) == run_google("google_calendar", CREATE)
    assert len(google.events["primary"]) == 1


def test_list_events_in_a_window_in_start_order(run_google: Run, google: FakeGoogle) -> None:
    _event(google, "late", "2024-03-03T09:00:00Z")
    _event(google, "early", "2024-03-01T09:00:00Z")
    _event(google, "outside", "2024-04-01T09:00:00Z")
    config = {
        "operation": "list_events",
        "time_min": "2024-03-01T00:00:00Z",
        "time_max": "2024-03-31T00:00:00Z",
    }
    out = run_google("google_calendar", config)
    assert [e["summary"] for e in out["events"]] == ["early", "late"]


def test_list_events_follows_page_tokens(run_google: Run, google: FakeGoogle) -> None:
    for day in range(1, 8):
        _event(google, f"d{day}", f"2024-03-0{day}T09:00:00Z")
    out = run_google("google_calendar", {"operation": "list_events", "max_results": 6})
    assert len(out["events"]) == 6


def test_get_update_and_delete_an_event(run_google: Run, google: FakeGoogle) -> None:
    event = _event(google, "sync", "2024-03-01T09:00:00Z")
    assert (
        run_google("google_calendar", {"operation": "get_event", "event_id": event["id"]})["event"]["summary"]
        == "sync"
    )
    run_google(
        "google_calendar", {"operation": "update_event", "event_id": event["id"], "summary": "Weekly sync"}
    )
    assert google.events["primary"][event["id"]]["summary"] == "Weekly sync"
    out = run_google("google_calendar", {"operation": "delete_event", "event_id": event["id"]})
    assert out["event_id"] == event["id"] and event["id"] not in google.events["primary"]


def test_missing_event_is_integration_not_found(run_google: Run) -> None:
    with pytest.raises(IntegrationNotFound):
        run_google("google_calendar", {"operation": "get_event", "event_id": "nope"})


def test_deleted_event_is_integration_not_found(run_google: Run) -> None:
    with pytest.raises(IntegrationNotFound, match="GONE"):
        run_google("google_calendar", {"operation": "delete_event", "event_id": "nope"})
