"""Execution history with AWS's event types and detail objects, recorded cheaply and shaped on demand.

Events are stored as `[type, timestamp, details]` (JSON-serialisable, values kept as Python
objects); `materialize` produces the AWS `GetExecutionHistory` shape: `id`, `previousEventId`,
`timestamp`, `type` and the `...EventDetails` object with `input`/`output` as JSON text.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

__all__ = ["History", "details_key"]

_JSON_FIELDS = ("input", "output", "parameters")
_key_cache: dict[str, str] = {}


def details_key(event_type: str) -> str:
    """The name of an event type's details object, e.g. `stateEnteredEventDetails`."""
    key = _key_cache.get(event_type)
    if key is None:
        if event_type.endswith("StateEntered"):
            key = "stateEnteredEventDetails"
        elif event_type.endswith("StateExited"):
            key = "stateExitedEventDetails"
        else:
            key = event_type[0].lower() + event_type[1:] + "EventDetails"
        _key_cache[event_type] = key
    return key


class History:
    """The ordered events of one execution; event ids start at 1."""

    __slots__ = ("events",)

    def __init__(self, events: list[list[Any]] | None = None) -> None:
        self.events: list[list[Any]] = events if events is not None else []

    def add(self, event_type: str, timestamp: float, details: dict[str, Any] | None = None) -> int:
        """Record one event and return its id."""
        self.events.append([event_type, timestamp, details])
        return len(self.events)

    def __len__(self) -> int:
        return len(self.events)

    def types(self) -> list[str]:
        """The event types, in order."""
        return [e[0] for e in self.events]

    def materialize(self, start: int = 0) -> list[dict[str, Any]]:
        """The events from index `start` in AWS's shape."""
        out: list[dict[str, Any]] = []
        for index in range(start, len(self.events)):
            event_type, timestamp, details = self.events[index]
            event: dict[str, Any] = {
                "id": index + 1,
                "previousEventId": index,
                "timestamp": datetime.fromtimestamp(timestamp, tz=UTC).isoformat(),
                "type": event_type,
            }
            if details is not None:
                event[details_key(event_type)] = _shape(details)
            out.append(event)
        return out


def _shape(details: dict[str, Any]) -> dict[str, Any]:
    shaped: dict[str, Any] = {}
    for key, value in details.items():
        if key in _JSON_FIELDS:
            shaped[key] = json.dumps(value, separators=(",", ":"), ensure_ascii=False)
            if key != "parameters":
                shaped[key + "Details"] = {"truncated": False}
        elif key == "assignedVariables":  # AWS gives each variable's value as JSON text
            shaped[key] = {
                name: json.dumps(v, separators=(",", ":"), ensure_ascii=False) for name, v in value.items()
            }
        elif value is not None:
            shaped[key] = value
    return shaped
