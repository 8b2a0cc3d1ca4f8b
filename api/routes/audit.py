"""The workspace's audit log (newest first), with filters."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from api.deps import IsoDateTime, Principal, ServicesDep, require
from api.schemas import COMMON_ERRORS, DEFAULT_PAGE, Cursor, Limit
from deca.stores import Page
from deca.stores.models import AuditRecord

__all__ = ["router"]

router = APIRouter(prefix="/audit", tags=["audit"], responses=COMMON_ERRORS)


@router.get("", response_model=Page[AuditRecord])
def list_audit_records(
    services: ServicesDep,
    principal: Annotated[Principal, require("read:audit")],
    user_id: Annotated[str | None, Query(max_length=200)] = None,
    action: Annotated[str | None, Query(max_length=100, description="e.g. `flow.create`")] = None,
    resource_id: Annotated[str | None, Query(max_length=200)] = None,
    since: Annotated[IsoDateTime | None, Query(description="Inclusive lower bound (ISO 8601)")] = None,
    until: Annotated[IsoDateTime | None, Query(description="Exclusive upper bound (ISO 8601)")] = None,
    limit: Limit = DEFAULT_PAGE,
    cursor: Cursor = None,
) -> Page[AuditRecord]:
    """Audit records of the caller's workspace, newest first."""
    return services.stores.audit.list(
        principal.workspace_id,
        user_id=user_id,
        action=action,
        resource_id=resource_id,
        since=since,
        until=until,
        limit=limit,
        cursor=cursor,
    )
