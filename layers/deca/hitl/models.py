"""The stored human task (an approval or form request) and the receipt a callback node returns."""

from __future__ import annotations

import hashlib
from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, Field

from deca.stores.models import Id, Record, UtcDatetime

__all__ = [
    "OPEN_STATUSES",
    "Decision",
    "HumanTask",
    "HumanTaskKind",
    "HumanTaskReceipt",
    "HumanTaskStatus",
    "request_id_for",
]

HumanTaskKind = Literal["approval", "form"]
HumanTaskStatus = Literal["pending", "escalated", "approved", "rejected", "submitted", "expired", "cancelled"]
OPEN_STATUSES: frozenset[str] = frozenset({"pending", "escalated"})
"""Statuses that still take answers (an escalated request waits for its new assignees too)."""


def request_id_for(task_token: str) -> str:
    """The request id of a task token (stable, so a retried node task finds its request again)."""
    return "hr_" + hashlib.sha256(task_token.encode()).hexdigest()[:32]


class Decision(Record):
    """One person's answer."""

    by: str
    decision: Literal["approved", "rejected", "submitted"]
    at: UtcDatetime
    comment: str | None = None
    via: Literal["api", "link", "ui"] = "api"


class HumanTask(Record):
    """A paused step waiting for a person: who may answer, until when, and what was answered."""

    workspace_id: Id
    request_id: Id
    kind: HumanTaskKind
    status: HumanTaskStatus = "pending"
    task_token: str = Field(min_length=1)
    execution_id: str
    flow_id: str
    node_id: str
    title: str
    message: str | None = None
    assignees: list[str] = Field(default_factory=list, description="Empty: anyone with access or a link")
    required_approvals: int = Field(default=1, ge=1)
    on_reject: Literal["output", "fail"] = "output"
    form_schema: dict[str, Any] | None = None
    decisions: list[Decision] = Field(default_factory=list)
    data: dict[str, Any] | None = None
    escalate_to: list[str] = Field(default_factory=list)
    escalate_at: UtcDatetime | None = None
    escalated_at: UtcDatetime | None = None
    used_links: list[str] = Field(default_factory=list)
    created_at: UtcDatetime
    expires_at: UtcDatetime
    closed_at: UtcDatetime | None = None
    revision: int = Field(default=0, ge=0, description="Bumped by every change (optimistic locking)")

    @property
    def is_open(self) -> bool:
        """Whether the request still takes answers."""
        return self.status in OPEN_STATUSES

    def approvals(self) -> list[Decision]:
        """The approvals given so far."""
        return [d for d in self.decisions if d.decision == "approved"]


class HumanTaskReceipt(BaseModel):
    """What a callback node's `run` returns: the request it opened (the flow gets the answer via the token)."""

    request_id: str
    status: HumanTaskStatus
    expires_at: datetime
