"""Unanswered requests escalate to other assignees after a delay, and expire after their timeout."""

from __future__ import annotations

from collections.abc import Sequence

from deca.hitl import HumanTask
from tests.layers.hitl.conftest import WS, Harness, approval_flow

ESCALATION = {"after_seconds": 3600, "to": ["boss@example.com"]}


class RecordingNotifier:
    """Keeps every notification."""

    def __init__(self) -> None:
        self.sent: list[tuple[str, list[str], set[str]]] = []

    def notify(self, task: HumanTask, recipients: Sequence[str], links: dict[str, str]) -> None:
        """Record who was told about which request, with which link actions."""
        self.sent.append((task.request_id, list(recipients), set(links)))


def test_assignees_are_notified_with_their_links(harness: Harness) -> None:
    harness.service.notifier = notifier = RecordingNotifier()

    harness.start(approval_flow(), {"amount": 300})

    [(_, recipients, actions)] = notifier.sent
    assert (recipients, actions) == (["ann@example.com"], {"approve", "reject"})


def test_nothing_escalates_before_the_delay(harness: Harness) -> None:
    harness.start(approval_flow(escalation=ESCALATION), {"amount": 300})
    harness.clock.advance(3599)

    assert harness.service.escalate_due() == []


def test_request_escalates_to_the_escalation_assignees_after_the_delay(harness: Harness) -> None:
    harness.service.notifier = notifier = RecordingNotifier()
    harness.start(approval_flow(escalation=ESCALATION), {"amount": 300})
    harness.clock.advance(3600)

    [escalated] = harness.service.escalate_due()

    assert escalated.status == "escalated"
    assert escalated.assignees == ["ann@example.com", "boss@example.com"]
    assert notifier.sent[-1][1] == ["boss@example.com"]


def test_escalation_assignee_can_approve_and_resume_the_flow(harness: Harness) -> None:
    result = harness.start(approval_flow(escalation=ESCALATION), {"amount": 300})
    harness.clock.advance(3600)
    [escalated] = harness.service.escalate_due()

    harness.service.approve(WS, escalated.request_id, "boss@example.com")

    assert harness.runtime.describe(result.execution_arn).status == "SUCCEEDED"


def test_requests_past_their_timeout_are_closed_as_expired(harness: Harness) -> None:
    harness.start(approval_flow(timeout_seconds=600), {"amount": 300})
    harness.clock.advance(601)

    [expired] = harness.service.expire_due()

    assert expired.status == "expired"
