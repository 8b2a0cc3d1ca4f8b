"""Executions: start (async or sync), list, get with each node's result, history, cancel, redrive, re-run,
and answer paused steps (approve, reject, submit a form)."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query, Response
from pydantic import BaseModel, Field, JsonValue

from api.deps import ID_PATTERN, IsoDateTime, Principal, ResourceId, ServicesDep, audit, require
from api.errors import ApiError, ErrorDetail, error_responses
from api.routes.engine_deps import EngineDep
from api.routes.human_task_deps import HumanTasksDep
from api.schemas import COMMON_ERRORS, DEFAULT_PAGE, Cursor, Limit, RequestModel
from deca.engines import ExecutionEngine, PendingTask
from deca.errors import ConflictError, NotFoundError
from deca.hitl import FormInvalid, HumanTaskService, request_for_pending
from deca.stores import MAX_LIMIT, Page
from deca.stores.models import ExecutionRecord, ExecutionStatus, HistoryEvent, NodeResult, Trigger

__all__ = ["router"]

router = APIRouter(tags=["executions"], responses=COMMON_ERRORS)

MAX_SYNC_SECONDS = 300
NodeId = Annotated[str, Path(pattern=ID_PATTERN, description="Node id of the paused step")]


class StartExecution(RequestModel):
    """How to start an execution of a flow's published version."""

    input: dict[str, JsonValue] = Field(
        default_factory=dict, description="The trigger data (`input` in templates)"
    )
    name: str | None = Field(
        default=None,
        pattern=ID_PATTERN,
        description="Idempotency: a second start with this name is the same run",
    )
    mode: Literal["async", "sync"] = Field(
        default="async", description="`sync` waits for the end (or a pause)"
    )
    timeout_seconds: int = Field(default=30, ge=1, le=MAX_SYNC_SECONDS, description="Longest sync wait")
    version: int | None = Field(
        default=None, ge=1, description="Run this version instead of the published one"
    )


class ExecutionDetail(BaseModel):
    """An execution, the result of each node attempt, and the paused steps waiting for an answer."""

    execution: ExecutionRecord
    nodes: list[NodeResult]
    pending_tasks: list[PendingTask]


_TOKEN_FIELD = Field(
    default=None,
    max_length=4096,
    description="Which paused instance of the node (a loop or parallel branch pauses it once each); default: the first",
)


class Decision(RequestModel):
    """An approver's answer."""

    comment: str | None = Field(default=None, max_length=10_000)
    task_token: str | None = _TOKEN_FIELD


class FormSubmission(RequestModel):
    """A form's answers."""

    data: dict[str, JsonValue] = Field(default_factory=dict, description="Field name -> answer")
    task_token: str | None = _TOKEN_FIELD


def _detail(
    services: ServicesDep, engine: ExecutionEngine, workspace_id: str, execution_id: str
) -> ExecutionDetail:
    record = engine.describe(workspace_id, execution_id)
    nodes: list[NodeResult] = []
    cursor: str | None = None
    while True:
        page = services.stores.executions.list_node_results(
            workspace_id, execution_id, limit=MAX_LIMIT, cursor=cursor
        )
        nodes += page.items
        if page.next_cursor is None:
            break
        cursor = page.next_cursor
    return ExecutionDetail(
        execution=record, nodes=nodes, pending_tasks=engine.pending_tasks(workspace_id, execution_id)
    )


def _start(
    services: ServicesDep,
    engine: ExecutionEngine,
    principal: Principal,
    flow_id: str,
    body: StartExecution,
    *,
    action: str,
) -> str:
    record = services.stores.flows.get(principal.workspace_id, flow_id)
    version = body.version or record.published_version
    if version is None:
        raise ConflictError(
            "the flow is not published: publish it first", resource="flow", resource_id=flow_id
        )
    services.stores.flows.get_version(principal.workspace_id, flow_id, version)
    execution_id = engine.start(
        principal.workspace_id,
        flow_id,
        version,
        body.input,
        name=body.name,
        trigger=Trigger(type="manual", data={"user_id": principal.user_id}),
    )
    audit(services, principal, action, execution_id, details={"flow_id": flow_id, "version": version})
    return execution_id


@router.post(
    "/flows/{flow_id}/executions",
    response_model=ExecutionDetail,
    status_code=202,
    responses={200: {"description": "A sync run that ended or paused"}, **error_responses(404, 409)},
)
def start(
    flow_id: ResourceId,
    body: StartExecution,
    response: Response,
    services: ServicesDep,
    engine: EngineDep,
    principal: Annotated[Principal, require("write:executions")],
) -> ExecutionDetail:
    """Start the published version (202); `mode: sync` waits up to `timeout_seconds` (200 once it ended)."""
    execution_id = _start(services, engine, principal, flow_id, body, action="execution.start")
    if body.mode == "sync":
        record = engine.wait(principal.workspace_id, execution_id, body.timeout_seconds)
        if record.status not in ("running",):
            response.status_code = 200
    return _detail(services, engine, principal.workspace_id, execution_id)


@router.get("/executions", response_model=Page[ExecutionRecord])
def list_executions(
    services: ServicesDep,
    principal: Annotated[Principal, require("read:executions")],
    flow_id: Annotated[str | None, Query(pattern=ID_PATTERN)] = None,
    status: ExecutionStatus | None = None,
    started_after: Annotated[IsoDateTime | None, Query(description="Inclusive, ISO 8601")] = None,
    started_before: Annotated[IsoDateTime | None, Query(description="Exclusive, ISO 8601")] = None,
    limit: Limit = DEFAULT_PAGE,
    cursor: Cursor = None,
) -> Page[ExecutionRecord]:
    """Executions, newest first, optionally of one flow, one status or a start-time window."""
    return services.stores.executions.list(
        principal.workspace_id,
        flow_id=flow_id,
        status=status,
        started_after=started_after,
        started_before=started_before,
        limit=limit,
        cursor=cursor,
    )


@router.get("/executions/{execution_id}", response_model=ExecutionDetail, responses=error_responses(404))
def get(
    execution_id: ResourceId,
    services: ServicesDep,
    engine: EngineDep,
    principal: Annotated[Principal, require("read:executions")],
) -> ExecutionDetail:
    """The execution with each node's input, output, error and duration, and its paused steps."""
    return _detail(services, engine, principal.workspace_id, execution_id)


@router.get(
    "/executions/{execution_id}/history", response_model=Page[HistoryEvent], responses=error_responses(404)
)
def history(
    execution_id: ResourceId,
    engine: EngineDep,
    principal: Annotated[Principal, require("read:executions")],
) -> Page[HistoryEvent]:
    """The full history (Step Functions event types), oldest first."""
    return Page[HistoryEvent](items=engine.history(principal.workspace_id, execution_id))


@router.post(
    "/executions/{execution_id}/cancel", response_model=ExecutionRecord, responses=error_responses(404)
)
def cancel(
    execution_id: ResourceId,
    services: ServicesDep,
    engine: EngineDep,
    principal: Annotated[Principal, require("write:executions")],
) -> ExecutionRecord:
    """Cancel a running or paused execution (a finished one is returned as it is)."""
    record = engine.stop(
        principal.workspace_id, execution_id, error="Cancelled", cause=f"by {principal.user_id}"
    )
    audit(services, principal, "execution.cancel", execution_id, details={"status": record.status})
    return record


@router.post(
    "/executions/{execution_id}/redrive", response_model=ExecutionRecord, responses=error_responses(404, 409)
)
def redrive(
    execution_id: ResourceId,
    services: ServicesDep,
    engine: EngineDep,
    principal: Annotated[Principal, require("write:executions")],
) -> ExecutionRecord:
    """Continue a failed, timed-out or cancelled execution from the node that did not finish (409 otherwise)."""
    record = engine.redrive(principal.workspace_id, execution_id)
    audit(services, principal, "execution.redrive", execution_id)
    return record


@router.post(
    "/executions/{execution_id}/rerun",
    response_model=ExecutionDetail,
    status_code=202,
    responses=error_responses(404, 409),
)
def rerun(
    execution_id: ResourceId,
    services: ServicesDep,
    engine: EngineDep,
    principal: Annotated[Principal, require("write:executions")],
) -> ExecutionDetail:
    """Start a new execution of the same flow version with the same input."""
    previous = engine.describe(principal.workspace_id, execution_id)
    body = StartExecution(
        input=previous.input if isinstance(previous.input, dict) else {}, version=previous.flow_version
    )
    new_id = _start(services, engine, principal, previous.flow_id, body, action="execution.rerun")
    return _detail(services, engine, principal.workspace_id, new_id)


@router.get(
    "/executions/{execution_id}/tasks", response_model=list[PendingTask], responses=error_responses(404)
)
def pending(
    execution_id: ResourceId,
    engine: EngineDep,
    principal: Annotated[Principal, require("read:executions")],
) -> list[PendingTask]:
    """The paused steps waiting for an answer."""
    return engine.pending_tasks(principal.workspace_id, execution_id)


def _task(
    engine: ExecutionEngine, principal: Principal, execution_id: str, node_id: str, token: str | None
) -> PendingTask:
    for task in engine.pending_tasks(principal.workspace_id, execution_id):
        if task.node_id == node_id and token in (None, task.task_token):
            return task
    raise NotFoundError(
        f"node {node_id!r} of execution {execution_id!r} is not waiting for an answer",
        resource="task",
        resource_id=f"{execution_id}/{node_id}",
    )


AnswerAction = Literal["approve", "reject", "submit"]


def _answer(
    services: ServicesDep,
    engine: ExecutionEngine,
    human_tasks: HumanTaskService,
    principal: Principal,
    execution_id: str,
    node_id: str,
    action: AnswerAction,
    *,
    task_token: str | None,
    comment: str | None = None,
    data: dict[str, JsonValue] | None = None,
) -> ExecutionRecord:
    """Answer a paused step through the human task service (assignees, approvals needed, form schema);
    the service resumes the execution once the request is decided."""
    workspace_id = principal.workspace_id
    task = _task(engine, principal, execution_id, node_id, task_token)
    flow_id = services.stores.executions.get(workspace_id, execution_id).flow_id
    request = request_for_pending(
        human_tasks,
        workspace_id,
        execution_id=execution_id,
        node_id=task.node_id,
        node_type=task.node_type,
        task_token=task.task_token,
        config=task.config,
        flow_id=flow_id,
    )
    roles = (principal.role,)
    try:
        if action == "approve":
            answered = human_tasks.approve(
                workspace_id, request.request_id, principal.user_id, comment, roles=roles
            )
        elif action == "reject":
            answered = human_tasks.reject(
                workspace_id, request.request_id, principal.user_id, comment, roles=roles
            )
        else:
            answered = human_tasks.submit(
                workspace_id, request.request_id, principal.user_id, data or {}, roles=roles
            )
    except FormInvalid as exc:
        raise ApiError(
            422, exc.code, exc.message, [ErrorDetail(path=f"body.{exc.path}", message=exc.message)]
        ) from exc
    audit(
        services,
        principal,
        f"execution.{action}",
        execution_id,
        details={"node_id": node_id, "request_id": answered.request_id, "status": answered.status},
    )
    return engine.describe(workspace_id, execution_id)


_ANSWER_ERRORS = error_responses(403, 404, 409, 422)


@router.post(
    "/executions/{execution_id}/tasks/{node_id}/approve",
    response_model=ExecutionRecord,
    responses=_ANSWER_ERRORS,
)
def approve(
    execution_id: ResourceId,
    node_id: NodeId,
    body: Decision,
    services: ServicesDep,
    engine: EngineDep,
    human_tasks: HumanTasksDep,
    principal: Annotated[Principal, require("write:executions")],
) -> ExecutionRecord:
    """Approve a paused approval step (as one of its assignees); once enough approvals are in, the
    execution continues with `approved: true`."""
    return _answer(
        services,
        engine,
        human_tasks,
        principal,
        execution_id,
        node_id,
        "approve",
        task_token=body.task_token,
        comment=body.comment,
    )


@router.post(
    "/executions/{execution_id}/tasks/{node_id}/reject",
    response_model=ExecutionRecord,
    responses=_ANSWER_ERRORS,
)
def reject(
    execution_id: ResourceId,
    node_id: NodeId,
    body: Decision,
    services: ServicesDep,
    engine: EngineDep,
    human_tasks: HumanTasksDep,
    principal: Annotated[Principal, require("write:executions")],
) -> ExecutionRecord:
    """Reject a paused approval step; the execution continues with `approved: false` (or the step fails
    with `ApprovalRejected` when the node says `on_reject: fail`)."""
    return _answer(
        services,
        engine,
        human_tasks,
        principal,
        execution_id,
        node_id,
        "reject",
        task_token=body.task_token,
        comment=body.comment,
    )


@router.post(
    "/executions/{execution_id}/tasks/{node_id}/submit",
    response_model=ExecutionRecord,
    responses=_ANSWER_ERRORS,
)
def submit(
    execution_id: ResourceId,
    node_id: NodeId,
    body: FormSubmission,
    services: ServicesDep,
    engine: EngineDep,
    human_tasks: HumanTasksDep,
    principal: Annotated[Principal, require("write:executions")],
) -> ExecutionRecord:
    """Submit a paused form step's answers (checked against the form's fields: 422 naming the field);
    the execution continues with them."""
    return _answer(
        services,
        engine,
        human_tasks,
        principal,
        execution_id,
        node_id,
        "submit",
        task_token=body.task_token,
        data=body.data,
    )
