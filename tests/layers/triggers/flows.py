"""Small flow documents with triggers, for trigger tests."""

from __future__ import annotations

from typing import Any

from deca.flow.models import Flow

__all__ = ["flow_with"]


def flow_with(*triggers: dict[str, Any], flow_id: str = "daily-report") -> Flow:
    """A one-node flow with the given triggers."""
    return Flow.model_validate(
        {
            "id": flow_id,
            "name": "Flow",
            "triggers": list(triggers),
            "nodes": [{"id": "start", "type": "noop", "config": {}}],
            "connections": [],
        }
    )
