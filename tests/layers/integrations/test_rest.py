"""The shared provider call: Retry-After parsing and the status -> named error table."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from deca.integrations.errors import (
    IntegrationAuthError,
    IntegrationConfigError,
    IntegrationError,
    IntegrationNotFound,
    IntegrationRateLimited,
)
from deca.integrations.rest import error_for_status, parse_retry_after

NOW = datetime(2024, 1, 1, 12, 0, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("header", "seconds"),
    [
        ("7", 7.0),
        ("0.5", 0.5),
        ("Mon, 01 Jan 2024 12:00:30 GMT", 30.0),
        ("Mon, 01 Jan 2024 11:00:00 GMT", 0.0),
    ],
    ids=["seconds", "fraction", "http-date", "date-in-the-past"],
)
def test_retry_after_in_seconds_or_http_date(header: str, seconds: float) -> None:
    assert parse_retry_after(header, NOW) == seconds


@pytest.mark.parametrize("header", [None, "", "soon"])
def test_unusable_retry_after_is_none(header: str | None) -> None:
    assert parse_retry_after(header, NOW) is None


@pytest.mark.parametrize(
    ("status", "error"),
    [
        (401, IntegrationAuthError),
        (403, IntegrationAuthError),
        (404, IntegrationNotFound),
        (410, IntegrationNotFound),
        (429, IntegrationRateLimited),
        (400, IntegrationConfigError),
        (422, IntegrationConfigError),
        (500, IntegrationError),
    ],
)
def test_status_maps_to_a_named_error(status: int, error: type[IntegrationError]) -> None:
    raised = error_for_status("svc", status, "detail")
    assert type(raised) is error and raised.status == status and "svc answered" in raised.message
