"""Triggers: EventBridge event patterns, cron schedules, webhook signatures and the receiver's logic.

See docs/triggers.md.
"""

from __future__ import annotations

from deca.triggers.cron import CronSchedule, parse_cron
from deca.triggers.event_dispatcher import CustomEvent, EventStart, EventSubscription, dispatch_event
from deca.triggers.event_patterns import matches, validate_pattern
from deca.triggers.schedules import FlowSchedule, ScheduledRun, execution_name, flow_schedules
from deca.triggers.webhook_receiver import (
    StartedExecution,
    WebhookReceiver,
    WebhookRequest,
    WebhookResponse,
    WebhookRoute,
    WebhookStart,
    webhook_routes,
)
from deca.triggers.webhook_signatures import SignatureError, sign_github, sign_standard

__all__ = [
    "CronSchedule",
    "CustomEvent",
    "EventStart",
    "EventSubscription",
    "FlowSchedule",
    "ScheduledRun",
    "SignatureError",
    "StartedExecution",
    "WebhookReceiver",
    "WebhookRequest",
    "WebhookResponse",
    "WebhookRoute",
    "WebhookStart",
    "dispatch_event",
    "execution_name",
    "flow_schedules",
    "matches",
    "parse_cron",
    "sign_github",
    "sign_standard",
    "validate_pattern",
    "webhook_routes",
]
