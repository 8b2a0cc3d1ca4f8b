"""The `run` logic behind the approval and form nodes: open the request and return at once."""

from __future__ import annotations

from typing import TYPE_CHECKING

from deca.errors import DecaError
from deca.hitl.forms import form_schema
from deca.hitl.models import HumanTaskReceipt
from deca.hitl.service import HumanTaskService

if TYPE_CHECKING:
    from deca.hitl.models import HumanTask
    from deca.nodes.approval import ApprovalConfig
    from deca.nodes.context import NodeContext
    from deca.nodes.form import FormConfig
    from deca.nodes.task import NodeTask

__all__ = ["HumanTasksUnavailable", "human_tasks", "open_approval", "open_form"]

SERVICE_KEY = "human_tasks"


class HumanTasksUnavailable(DecaError):
    """The node context has no human task service (`ctx.services["human_tasks"]`)."""

    code = "human_tasks_unavailable"


def human_tasks(ctx: NodeContext) -> HumanTaskService:
    """The context's `HumanTaskService`: `ctx.services["human_tasks"]`, the service or a factory of it."""
    service = ctx.services.get(SERVICE_KEY)
    if service is not None and not isinstance(service, HumanTaskService) and callable(service):
        service = ctx.services[SERVICE_KEY] = service()
    if not isinstance(service, HumanTaskService):
        raise HumanTasksUnavailable("no human task service is configured for approval and form nodes")
    return service


def _receipt(request: HumanTask) -> HumanTaskReceipt:
    return HumanTaskReceipt(
        request_id=request.request_id, status=request.status, expires_at=request.expires_at
    )


def open_approval(config: ApprovalConfig, task: NodeTask, ctx: NodeContext) -> HumanTaskReceipt:
    """Open the approval request of a paused step."""
    escalation = config.escalation
    request = human_tasks(ctx).open(
        task,
        workspace_id=ctx.workspace_id,
        kind="approval",
        title=config.title,
        message=config.message,
        assignees=config.approvers,
        required_approvals=config.required_approvals,
        on_reject=config.on_reject,
        timeout_seconds=config.timeout_seconds,
        escalate_after_seconds=escalation.after_seconds if escalation else None,
        escalate_to=escalation.to if escalation else [],
    )
    return _receipt(request)


def open_form(config: FormConfig, task: NodeTask, ctx: NodeContext) -> HumanTaskReceipt:
    """Open the form request of a paused step (its fields become the JSON Schema answers are checked by)."""
    escalation = config.escalation
    request = human_tasks(ctx).open(
        task,
        workspace_id=ctx.workspace_id,
        kind="form",
        title=config.title,
        message=config.description,
        assignees=config.assignees,
        form_schema=form_schema(config.fields),
        timeout_seconds=config.timeout_seconds,
        escalate_after_seconds=escalation.after_seconds if escalation else None,
        escalate_to=escalation.to if escalation else [],
    )
    return _receipt(request)
