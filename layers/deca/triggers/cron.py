"""Cron schedules: 5 fields, or 6 with seconds first; fire times in a time zone; descriptions; AWS form.

Syntax (standard cron): `[second] minute hour day-of-month month day-of-week`, with `*`, lists
(`1,15`), ranges (`1-5`), steps (`*/10`), month and weekday names (`JAN`, `MON-FRI`), weekday
0-7 (0 and 7 are Sunday), `L` and `#` as croniter reads them, and the nicknames `@yearly`,
`@monthly`, `@weekly`, `@daily`, `@hourly`. As in standard cron, when both day fields are
restricted a day matching either fires.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import cron_descriptor
from croniter import croniter

from deca.errors import InputError

__all__ = ["CronSchedule", "parse_cron"]

_NICKNAMES = {
    "@yearly": "0 0 1 1 *",
    "@annually": "0 0 1 1 *",
    "@monthly": "0 0 1 * *",
    "@weekly": "0 0 * * 0",
    "@daily": "0 0 * * *",
    "@midnight": "0 0 * * *",
    "@hourly": "0 * * * *",
}
_DOW_NUMBER = re.compile(r"\d+")


@dataclass(frozen=True)
class CronSchedule:
    """A validated cron expression (always normalised to 6 fields, seconds first) read in `timezone`."""

    seconds: str
    minutes: str
    hours: str
    day_of_month: str
    month: str
    day_of_week: str
    timezone: str = "UTC"

    @property
    def expression(self) -> str:
        """The 6-field form, seconds first."""
        return " ".join(
            (self.seconds, self.minutes, self.hours, self.day_of_month, self.month, self.day_of_week)
        )

    @property
    def zone(self) -> ZoneInfo:
        """The IANA time zone."""
        return ZoneInfo(self.timezone)

    def fire_times(self, after: datetime) -> Iterator[datetime]:
        """Fire times strictly after `after`, ascending, as UTC datetimes (DST handled in the zone)."""
        start = after.astimezone(self.zone)
        iterator = croniter(self.expression, start, second_at_beginning=True)
        while True:
            yield iterator.get_next(datetime).astimezone(UTC)

    def next_fire(self, after: datetime) -> datetime:
        """The first fire time strictly after `after`, in UTC."""
        return next(self.fire_times(after))

    def between(self, after: datetime, until: datetime) -> list[datetime]:
        """Fire times in the interval `(after, until]`, in UTC."""
        times: list[datetime] = []
        for time in self.fire_times(after):
            if time > until:
                return times
            times.append(time)
        return times  # pragma: no cover - the iterator is endless

    def describe(self) -> str:
        """A human-readable description, e.g. `At 09:00 AM, Monday through Friday (Europe/Berlin)`."""
        expression = self.expression if self.seconds != "0" else self.expression.split(" ", 1)[1]
        text = str(cron_descriptor.get_description(expression))
        return text if self.timezone == "UTC" else f"{text} ({self.timezone})"

    def to_eventbridge(self) -> str:
        """The EventBridge Scheduler `cron(min hour dom month dow year)` expression (read in `timezone`).

        Raises:
            InputError: when AWS cannot express it: seconds other than 0, both day fields
                restricted, or a step in the day-of-week field.
        """
        if self.seconds != "0":
            raise InputError("EventBridge schedules have minute granularity: seconds must be 0")
        dom, dow = self.day_of_month, self.day_of_week
        if dow == "*":
            dow = "?"
        elif dom == "*":
            dom = "?"
        else:
            raise InputError("EventBridge cannot restrict both day-of-month and day-of-week")
        if dow != "?":
            dow = _aws_day_of_week(dow)
        return f"cron({self.minutes} {self.hours} {dom} {self.month} {dow} *)"


def _aws_day_of_week(field: str) -> str:
    # AWS numbers weekdays 1-7 from Sunday; cron numbers them 0-7 from Sunday (7 is Sunday again).
    if "/" in field:
        raise InputError("EventBridge does not accept a step in the day-of-week field")
    items: list[str] = []
    for item in field.split(","):
        day, sep, nth = item.partition("#")
        first, dash, last = day.partition("-")
        if dash and last == "7" and first.isdigit() and first != "0":
            items.append(f"{int(first) + 1}-7,1")  # e.g. FRI-SUN: keep the range from wrapping
            continue
        items.append(_DOW_NUMBER.sub(lambda m: str(int(m.group()) % 7 + 1), day) + sep + nth)
    return ",".join(items)


def parse_cron(expression: str, timezone: str = "UTC") -> CronSchedule:
    """Validate a 5- or 6-field cron expression (or a nickname) in an IANA time zone.

    Raises:
        InputError: for a malformed expression or an unknown time zone.
    """
    try:
        ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise InputError(f"unknown time zone {timezone!r}") from exc
    text = _NICKNAMES.get(expression.strip().lower(), expression.strip())
    fields = text.split()
    if len(fields) == 5:
        fields = ["0", *fields]
    if len(fields) != 6:
        raise InputError(f"cron expression {expression!r} needs 5 fields (or 6 with seconds first)")
    fields = [f.upper() for f in fields]
    if not croniter.is_valid(" ".join(fields), second_at_beginning=True):
        raise InputError(f"cron expression {expression!r} is not valid")
    seconds, minutes, hours, day_of_month, month, day_of_week = fields
    return CronSchedule(seconds, minutes, hours, day_of_month, month, day_of_week, timezone)
