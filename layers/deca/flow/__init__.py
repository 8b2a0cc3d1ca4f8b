"""Flow document models (the single definition of the flow schema)."""

from deca.flow.models import (
    Connection,
    EventTrigger,
    Flow,
    ManualTrigger,
    Node,
    NodeBase,
    OnError,
    RetryPolicy,
    ScheduleTrigger,
    Settings,
    Trigger,
    WebhookTrigger,
)

__all__ = [
    "Connection",
    "EventTrigger",
    "Flow",
    "ManualTrigger",
    "Node",
    "NodeBase",
    "OnError",
    "RetryPolicy",
    "ScheduleTrigger",
    "Settings",
    "Trigger",
    "WebhookTrigger",
]
