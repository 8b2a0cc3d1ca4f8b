"""The `run` logic behind the approval and form nodes: open the request and return at once."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from deca.errors import DecaError, InputError
from deca.hitl.forms import form_schema
from deca.hitl.models import HumanTaskReceipt, request_id_for
from deca.hitl.service import HumanTaskService

if TYPE_CHECKING:
    from deca.hitl.models import HumanTask
    from deca.nodes.approval import ApprovalConfig
    from deca.nodes.context import NodeContext
    from deca.nodes.form import FormConfig
    from deca.nodes.task import NodeTask

__all__ = [
    "HumanTasksUnavailable",
    "human_tasks",
    "open_approval",
    "open_approval_request",
    "open_form",
    "open_form_request",
    "request_for_pending",
]

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


def open_approval_request(
    service: HumanTaskService, config: ApprovalConfig, task: NodeTask, workspace_id: str
) -> HumanTask:
    """Open (or find) the approval request of a paused step."""
    escalation = config.escalation
    return service.open(
        task,
        workspace_id=workspace_id,
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


def open_form_request(
    service: HumanTaskService, config: FormConfig, task: NodeTask, workspace_id: str
) -> HumanTask:
    """Open (or find) the form request of a paused step (its fields become the answers' JSON Schema)."""
    escalation = config.escalation
    return service.open(
        task,
        workspace_id=workspace_id,
        kind="form",
        title=config.title,
        message=config.description,
        assignees=config.assignees,
        form_schema=form_schema(config.fields),
        timeout_seconds=config.timeout_seconds,
        escalate_after_seconds=escalation.after_seconds if escalation else None,
        escalate_to=escalation.to if escalation else [],
    )


def open_approval(config: ApprovalConfig, task: NodeTask, ctx: NodeContext) -> HumanTaskReceipt:
    """The approval node's logic: open the request of its paused step, return the receipt."""
    return _receipt(open_approval_request(human_tasks(ctx), config, task, ctx.workspace_id))


def open_form(config: FormConfig, task: NodeTask, ctx: NodeContext) -> HumanTaskReceipt:
    """The form node's logic: open the request of its paused step, return the receipt."""
    return _receipt(open_form_request(human_tasks(ctx), config, task, ctx.workspace_id))


def request_for_pending(
    service: HumanTaskService,
    workspace_id: str,
    *,
    execution_id: str,
    node_id: str,
    node_type: str,
    task_token: str,
    config: Mapping[str, Any],
    flow_id: str = "",
) -> HumanTask:
    """The request of a paused step an engine reports (`deca.engines.PendingTask`), opened if missing.

    For engines that do not run the callback node's `run` (the local engine answers its Lambda with a
    no-op): the API can still answer through the service, with its assignee checks and form validation.
    """
    from deca.nodes.approval import ApprovalConfig
    from deca.nodes.form import FormConfig
    from deca.nodes.task import ExecutionInfo, NodeTask

    found = service.store.find(workspace_id, request_id_for(task_token))
    if found is not None:
        return found
    task = NodeTask(
        execution=ExecutionInfo(id=execution_id),
        workspace_id=workspace_id,
        flow_id=flow_id,
        node_id=node_id,
        node_type=node_type,
        config=dict(config),
        task_token=task_token,
    )
    if node_type == "form":
        return open_form_request(service, FormConfig.model_validate(config), task, workspace_id)
    if node_type == "approval":
        return open_approval_request(service, ApprovalConfig.model_validate(config), task, workspace_id)
    raise InputError(f"node '{node_id}': a {node_type} step is not a human task")
