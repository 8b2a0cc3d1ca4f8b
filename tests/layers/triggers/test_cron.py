"""Cron expressions: parsing, fire times in a time zone, descriptions and the EventBridge form."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from deca.errors import InputError
from deca.flow.models import ScheduleTrigger
from deca.triggers.cron import parse_cron
from deca.triggers.schedules import summarize_schedule


def test_five_fields_get_second_zero() -> None:
    assert parse_cron("*/15 9-17 * * MON-FRI").expression == "0 */15 9-17 * * MON-FRI"


def test_six_fields_read_seconds_first() -> None:
    cron = parse_cron("30 0 12 * * *")
    assert cron.next_fire(datetime(2024, 1, 1, tzinfo=UTC)) == datetime(2024, 1, 1, 12, 0, 30, tzinfo=UTC)


def test_nickname_expands() -> None:
    assert parse_cron("@hourly").expression == "0 0 * * * *"


def test_fire_times_follow_the_time_zone_across_dst() -> None:
    # Given 09:00 in Berlin, which is 08:00 UTC in winter and 07:00 UTC after the March change
    cron = parse_cron("0 9 * * *", "Europe/Berlin")
    # When
    times = cron.between(datetime(2024, 3, 30, tzinfo=UTC), datetime(2024, 4, 1, tzinfo=UTC))
    # Then
    assert times == [datetime(2024, 3, 30, 8, tzinfo=UTC), datetime(2024, 3, 31, 7, tzinfo=UTC)]


def test_between_excludes_start_and_includes_end() -> None:
    cron = parse_cron("0 * * * *")
    start, end = datetime(2024, 1, 1, 1, tzinfo=UTC), datetime(2024, 1, 1, 3, tzinfo=UTC)
    assert cron.between(start, end) == [datetime(2024, 1, 1, 2, tzinfo=UTC), end]


@pytest.mark.parametrize(
    ("expression", "zone", "text"),
    [
        ("0 9 * * MON-FRI", "UTC", "At 09:00 AM, Monday through Friday"),
        ("*/15 * * * *", "UTC", "Every 15 minutes"),
        ("30 0 9 * * *", "UTC", "At 09:00:30 AM"),
        ("0 8 1 * *", "Europe/Paris", "At 08:00 AM, on day 1 of the month (Europe/Paris)"),
    ],
    ids=["weekdays", "every-15", "seconds", "zone"],
)
def test_description_is_human_readable(expression: str, zone: str, text: str) -> None:
    assert parse_cron(expression, zone).describe() == text


@pytest.mark.parametrize(
    ("expression", "aws"),
    [
        ("0 9 * * MON-FRI", "cron(0 9 ? * MON-FRI *)"),
        ("*/5 * * * *", "cron(*/5 * * * ? *)"),
        ("0 0 1 * *", "cron(0 0 1 * ? *)"),
        ("0 0 * * 0", "cron(0 0 ? * 1 *)"),
        ("0 0 * * 1-5", "cron(0 0 ? * 2-6 *)"),
        ("0 0 * * 5-7", "cron(0 0 ? * 6-7,1 *)"),
        ("0 0 * * 5#3", "cron(0 0 ? * 6#3 *)"),
    ],
    ids=["names", "step", "day-of-month", "sunday", "range", "range-to-7", "nth"],
)
def test_eventbridge_expression(expression: str, aws: str) -> None:
    assert parse_cron(expression).to_eventbridge() == aws


@pytest.mark.parametrize(
    "expression",
    ["15 0 9 * * *", "0 0 1 * MON", "0 0 * * */2"],
    ids=["seconds", "both-days", "weekday-step"],
)
def test_eventbridge_rejects_what_aws_cannot_express(expression: str) -> None:
    with pytest.raises(InputError):
        parse_cron(expression).to_eventbridge()


@pytest.mark.parametrize(
    ("expression", "zone"),
    [("61 * * * *", "UTC"), ("* * *", "UTC"), ("1 2 3 4 5 6 7", "UTC"), ("0 9 * * *", "Mars/Olympus")],
    ids=["minute-range", "too-few", "too-many", "zone"],
)
def test_invalid_cron_is_input_error(expression: str, zone: str) -> None:
    with pytest.raises(InputError):
        parse_cron(expression, zone)


def test_schedule_summary_for_the_api() -> None:
    trigger = ScheduleTrigger(cron="0 9 * * MON-FRI", timezone="Europe/Berlin", end="2024-01-03T12:00:00Z")
    summary = summarize_schedule(trigger, datetime(2024, 1, 1, 12, tzinfo=UTC))
    assert summary.description == "At 09:00 AM, Monday through Friday (Europe/Berlin)"
    assert summary.next_runs == [datetime(2024, 1, 2, 8, tzinfo=UTC), datetime(2024, 1, 3, 8, tzinfo=UTC)]
    assert summary.eventbridge_expression == "cron(0 9 ? * MON-FRI *)"


def test_schedule_summary_without_an_aws_form() -> None:
    summary = summarize_schedule(
        ScheduleTrigger(cron="*/30 * * * * *"), datetime(2024, 1, 1, tzinfo=UTC), count=2
    )
    assert (summary.eventbridge_expression, len(summary.next_runs)) == (None, 2)
