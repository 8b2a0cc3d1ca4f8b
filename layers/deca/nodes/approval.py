"""`approval`: pauses the flow until a person approves or rejects (a callback task)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from deca.nodes.base import NodeConfig, NodeOutput, NodeSpec

if TYPE_CHECKING:
    from deca.hitl.models import HumanTaskReceipt
    from deca.nodes.context import NodeContext
    from deca.nodes.task import NodeTask

__all__ = ["SPEC", "ApprovalConfig", "ApprovalOutput", "Escalation", "run"]

_Channel = Literal["ui", "email", "slack"]


def _ui_only() -> list[_Channel]:
    return ["ui"]


class Escalation(BaseModel):
    """Who takes over a request nobody answered in time (the original assignees may still answer)."""

    model_config = ConfigDict(extra="forbid")

    after_seconds: int = Field(
        ge=60, le=31_536_000, description="Seconds without an answer before escalating"
    )
    to: list[str] = Field(
        min_length=1, max_length=50, description="User ids, emails or roles added as assignees"
    )


class ApprovalConfig(NodeConfig):
    """Config of the approval node."""

    title: str = Field(min_length=1, max_length=200, description="What is to be approved (templates allowed)")
    message: str | None = Field(default=None, max_length=10_000, description="Details shown to approvers")
    approvers: list[str] = Field(
        min_length=1, max_length=50, description="User ids, emails or role names (e.g. `role:admin`)"
    )
    required_approvals: int = Field(default=1, ge=1, description="Approvals needed; one rejection rejects")
    channels: list[_Channel] = Field(
        default_factory=_ui_only, min_length=1, description="Where approvers are notified"
    )
    timeout_seconds: int = Field(
        default=86_400,
        ge=60,
        le=31_536_000,
        description="How long to wait; then the node fails with States.Timeout (see on_error)",
    )
    on_reject: Literal["output", "fail"] = Field(
        default="output",
        description="output: the node succeeds with approved=false; fail: it fails with ApprovalRejected",
    )
    escalation: Escalation | None = Field(default=None, description="Escalate when nobody answers in time")

    @model_validator(mode="after")
    def _enough_approvers(self) -> ApprovalConfig:
        if self.required_approvals > len(self.approvers):
            raise ValueError(
                f"required_approvals ({self.required_approvals}) exceeds the number of approvers "
                f"({len(self.approvers)})"
            )
        return self


class ApprovalOutput(NodeOutput):
    """The decision."""

    approved: bool = Field(description="True when approved")
    decision: Literal["approved", "rejected"] = Field(description="The outcome")
    approvers: list[str] = Field(default_factory=list, description="Who decided")
    comment: str | None = Field(default=None, description="The approver's comment")
    decided_at: str | None = Field(default=None, description="ISO-8601 time of the decision")


def run(config: ApprovalConfig, task: NodeTask, ctx: NodeContext) -> HumanTaskReceipt:
    """Open the approval request and return at once; the decision reaches the flow via the task token."""
    from deca.hitl.nodes import open_approval

    return open_approval(config, task, ctx)


SPEC = NodeSpec(
    type="approval",
    category="human",
    description="Wait for a person to approve or reject before going on",
    config=ApprovalConfig,
    output=ApprovalOutput,
    kind="callback",
    side_effects=True,
    icon="badge-check",
    example={
        "title": "Refund of {{ input.amount }} EUR",
        "approvers": ["role:finance"],
        "channels": ["ui", "email"],
    },
)
