"""Parsing of the RFC 3339 timestamps AWS Step Functions accepts (Choice `Timestamp*`, Wait).

AWS documents the RFC 3339 profile of ISO 8601 with "an uppercase T" between date and time and "an
uppercase Z" for UTC, and parses like Java's ISO_OFFSET_DATE_TIME: `YYYY-MM-DDThh:mm[:ss[.fraction]]`
followed by `Z` or an offset `+hh:mm[:ss]`. The fraction has 1 to 9 digits, the offset is mandatory
("2016-12-05T21:29:29" is rejected), and dates and times must exist.
Hand-written rather than a regular expression: it runs for every Timestamp comparison.
"""

from __future__ import annotations

from datetime import date

__all__ = ["parse_timestamp"]

_EPOCH_ORDINAL = date(1970, 1, 1).toordinal()
_DIGITS = frozenset("0123456789")


def _number(text: str, start: int, length: int) -> int | None:
    chunk = text[start : start + length]
    if len(chunk) != length or not all(char in _DIGITS for char in chunk):
        return None
    return int(chunk)


def _offset_seconds(text: str, pos: int) -> int | None:
    """Seconds east of UTC for the offset starting at `pos` (which must end the text)."""
    if text[pos:] == "Z":
        return 0
    if pos >= len(text) or text[pos] not in "+-":
        return None
    sign = 1 if text[pos] == "+" else -1
    hours = _number(text, pos + 1, 2)
    if hours is None or len(text) <= pos + 3 or text[pos + 3] != ":":
        return None
    minutes = _number(text, pos + 4, 2)
    end = pos + 6
    seconds = 0
    if len(text) > end:
        if text[end] != ":":
            return None
        seconds_part = _number(text, end + 1, 2)
        if seconds_part is None or len(text) != end + 3:
            return None
        seconds = seconds_part
    if minutes is None or hours > 18 or minutes > 59 or seconds > 59:
        return None
    return sign * (hours * 3600 + minutes * 60 + seconds)


def parse_timestamp(text: str) -> tuple[int, int] | None:
    """The instant of an AWS timestamp as (epoch seconds, nanoseconds), or None when invalid."""
    year = _number(text, 0, 4)
    month = _number(text, 5, 2)
    day = _number(text, 8, 2)
    hour = _number(text, 11, 2)
    minute = _number(text, 14, 2)
    if (
        year is None
        or month is None
        or day is None
        or hour is None
        or minute is None
        or text[4] != "-"
        or text[7] != "-"
        or text[10] != "T"
        or text[13] != ":"
    ):
        return None
    pos = 16
    second = 0
    nanos = 0
    if len(text) > pos and text[pos] == ":":
        parsed_second = _number(text, pos + 1, 2)
        if parsed_second is None:
            return None
        second = parsed_second
        pos += 3
        if len(text) > pos and text[pos] == ".":
            start = pos = pos + 1
            while pos < len(text) and text[pos] in _DIGITS:
                pos += 1
            fraction = text[start:pos]
            if not 1 <= len(fraction) <= 9:
                return None
            nanos = int(fraction.ljust(9, "0"))
    offset = _offset_seconds(text, pos)
    if offset is None or hour > 23 or minute > 59 or second > 59:
        return None
    try:
        days = date(year, month, day).toordinal() - _EPOCH_ORDINAL
    except ValueError:
        return None
    return days * 86400 + hour * 3600 + minute * 60 + second - offset, nanos
