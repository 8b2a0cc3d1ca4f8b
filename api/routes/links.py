"""Signed links: a person named in a notification answers a request without signing in.

Public routes (no bearer token): the link's HMAC signature, expiry and action are checked by
`deca.hitl.links`, and each link works once (the request records its nonce). A forged, expired or used
link is a 400 with a stable code (`link_invalid`, `link_expired`, `link_used`) and resumes nothing.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path
from pydantic import BaseModel, Field, JsonValue

from api.deps import ServicesDep
from api.errors import ApiError, ErrorDetail, error_responses
from api.routes.human_task_deps import HumanTasksDep
from api.schemas import COMMON_ERRORS, RequestModel
from deca.hitl import FormInvalid, HumanTask
from deca.hitl.links import LinkAction
from deca.stores.models import AuditRecord

__all__ = ["router"]

router = APIRouter(tags=["links"], responses=COMMON_ERRORS)

LinkToken = Annotated[
    str,
    Path(
        min_length=16, max_length=2048, pattern=r"^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$", description="Signed link"
    ),
]


class LinkedTask(BaseModel):
    """What a link's holder sees: the request and the one action the link performs."""

    action: LinkAction
    request_id: str
    kind: str = Field(description="`approval` or `form`")
    status: str
    title: str
    message: str | None = None
    form_schema: dict[str, Any] | None = Field(default=None, description="JSON Schema of a form's answers")
    expires_at: str


class LinkAnswer(RequestModel):
    """The answer given through a link (the action is the link's)."""

    comment: str | None = Field(default=None, max_length=10_000, description="An approver's comment")
    data: dict[str, JsonValue] | None = Field(
        default=None, description="A form's answers (field name -> answer)"
    )


class LinkResult(BaseModel):
    """The request after the answer."""

    request_id: str
    status: str = Field(
        description="`approved`, `rejected`, `submitted`, or still `pending` (more approvals needed)"
    )


def _shown(action: LinkAction, request: HumanTask) -> LinkedTask:
    return LinkedTask(
        action=action,
        request_id=request.request_id,
        kind=request.kind,
        status=request.status,
        title=request.title,
        message=request.message,
        form_schema=request.form_schema,
        expires_at=request.expires_at.isoformat(),
    )


@router.get("/links/{token}", response_model=LinkedTask, responses=error_responses(400, 409))
def show(token: LinkToken, human_tasks: HumanTasksDep) -> LinkedTask:
    """The request a link answers (400 for a forged, expired or used link; 409 once it is closed)."""
    claims, request = human_tasks.open_link(token)
    return _shown(claims.action, request)


@router.post("/links/{token}", response_model=LinkResult, responses=error_responses(400, 409, 422))
def answer(
    token: LinkToken, body: LinkAnswer, services: ServicesDep, human_tasks: HumanTasksDep
) -> LinkResult:
    """Approve, reject or submit, as the link says (once); the execution resumes when the request is decided."""
    claims, _ = human_tasks.open_link(token)
    try:
        answered = human_tasks.use_link(token, comment=body.comment, data=dict(body.data or {}))
    except FormInvalid as exc:
        raise ApiError(
            422, exc.code, exc.message, [ErrorDetail(path=f"body.{exc.path}", message=exc.message)]
        ) from exc
    services.stores.audit.append(
        claims.workspace_id,
        AuditRecord(
            timestamp=services.clock.now(),
            user_id=f"link:{claims.recipient or 'anonymous'}",
            workspace_id=claims.workspace_id,
            action=f"execution.{claims.action}",
            resource_id=answered.execution_id,
            result="success",
            details={"node_id": answered.node_id, "request_id": answered.request_id, "via": "link"},
        ),
    )
    return LinkResult(request_id=answered.request_id, status=answered.status)
