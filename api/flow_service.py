"""What the flow routes do: store documents as versions, search, import; routes stay thin."""

from __future__ import annotations

import re
from typing import Any

from pydantic import BaseModel, Field

from api.deps import ID_PATTERN, ApiServices, Principal, audit
from api.errors import ApiError, ErrorDetail
from deca.errors import ConflictError
from deca.flow import Flow
from deca.stores import MAX_LIMIT, Page
from deca.stores.models import FlowRecord, FlowStatus, FlowVersion

__all__ = [
    "FlowDetail",
    "add_version",
    "check_flow_id",
    "create_flow",
    "search_flows",
    "set_status",
    "version_document",
]

_SCAN_LIMIT = 5000
"""Most flows one filtered listing request reads before returning a (possibly short) page."""


class FlowDetail(BaseModel):
    """A flow and the document of one of its versions (the latest unless asked otherwise)."""

    flow: FlowRecord
    version: int = Field(description="Version of `definition`")
    definition: dict[str, Any] = Field(description="The flow document")


def check_flow_id(flow: Flow) -> None:
    """A flow id must be usable in a URL: 422 on `body.id` otherwise."""
    if not re.fullmatch(ID_PATTERN, flow.id):
        raise ApiError(
            422,
            "validation_error",
            "request does not validate",
            [ErrorDetail(path="body.id", message=f"String should match pattern '{ID_PATTERN}'")],
        )


def version_document(flow: Flow, version: int) -> dict[str, Any]:
    """The stored JSON of `flow` as version `version`."""
    return flow.model_copy(update={"version": version}).model_dump(
        mode="json", by_alias=True, exclude_none=True
    )


def create_flow(
    services: ApiServices, principal: Principal, flow: Flow, *, comment: str, action: str
) -> FlowDetail:
    """Store a new flow with `flow` as version 1 (409 if the id exists)."""
    check_flow_id(flow)
    now = services.clock.now()
    record, stored = services.stores.flows.create_with_version(  # both stored, or neither
        principal.workspace_id,
        FlowRecord(
            workspace_id=principal.workspace_id,
            flow_id=flow.id,
            name=flow.name,
            description=flow.description or "",
            created_at=now,
            updated_at=now,
            created_by=principal.user_id,
        ),
        _version(services, principal, flow.id, flow, 1, comment),
    )
    audit(services, principal, action, flow.id, details={"version": 1})
    return FlowDetail(flow=record, version=1, definition=stored.definition)


def add_version(
    services: ApiServices,
    principal: Principal,
    flow_id: str,
    flow: Flow,
    *,
    comment: str,
    action: str,
    base_version: int | None = None,
) -> FlowDetail:
    """Store `flow` as the next version of flow `flow_id` (its document id must match).

    Raises:
        ConflictError: the flow is archived, or `base_version` is given and is not the latest
            version (someone saved in between: reload, merge, save again).
    """
    if flow.id != flow_id:
        raise ApiError(
            422,
            "validation_error",
            "request does not validate",
            [ErrorDetail(path="body.id", message=f"must equal the flow id in the URL ('{flow_id}')")],
        )
    flows = services.stores.flows
    record = flows.get(principal.workspace_id, flow_id)
    if record.status == "archived":
        raise ConflictError(
            "an archived flow is read-only: restore it first", resource="flow", resource_id=flow_id
        )
    if base_version is not None and base_version != record.latest_version:
        raise ConflictError(
            f"the flow is at version {record.latest_version}, not {base_version}",
            resource="flow",
            resource_id=flow_id,
        )
    version = record.latest_version + 1
    stored = flows.add_version(
        principal.workspace_id, _version(services, principal, flow_id, flow, version, comment)
    )
    flows.update(
        principal.workspace_id,
        record.model_copy(
            update={
                "name": flow.name,
                "description": flow.description or "",
                "updated_at": services.clock.now(),
            }
        ),
    )
    audit(services, principal, action, flow_id, details={"version": version})
    return FlowDetail(
        flow=flows.get(principal.workspace_id, flow_id), version=version, definition=stored.definition
    )


def _version(
    services: ApiServices, principal: Principal, flow_id: str, flow: Flow, version: int, comment: str
) -> FlowVersion:
    return FlowVersion(
        workspace_id=principal.workspace_id,
        flow_id=flow_id,
        version=version,
        definition=version_document(flow, version),
        created_at=services.clock.now(),
        created_by=principal.user_id,
        comment=comment,
    )


def set_status(services: ApiServices, principal: Principal, flow_id: str, status: FlowStatus) -> FlowRecord:
    """Change a flow's status (archive, restore) and audit it."""
    flows = services.stores.flows
    record = flows.get(principal.workspace_id, flow_id)
    updated = flows.update(
        principal.workspace_id,
        record.model_copy(update={"status": status, "updated_at": services.clock.now()}),
    )
    action = "flow.archive" if status == "archived" else "flow.restore"
    audit(services, principal, action, flow_id, details={"from": record.status, "to": status})
    return updated


def _matches(record: FlowRecord, needle: str) -> bool:
    return (
        needle in record.name.casefold()
        or needle in record.description.casefold()
        or needle in record.flow_id
    )


def search_flows(
    services: ApiServices,
    workspace_id: str,
    *,
    status: FlowStatus | None,
    q: str | None,
    limit: int,
    cursor: str | None,
) -> Page[FlowRecord]:
    """Flows by name, optionally of one status and containing `q` (case-insensitive) in name, description or id.

    With `q`, pages of the store are read until `limit` matches are found; each read asks for exactly
    the number still missing, so the store's cursor after it is the right place to resume.
    """
    flows = services.stores.flows
    if not q:
        return flows.list(workspace_id, status=status, limit=limit, cursor=cursor)
    needle = q.casefold()
    found: list[FlowRecord] = []
    scanned = 0
    while len(found) < limit and scanned < _SCAN_LIMIT:
        want = min(MAX_LIMIT, limit - len(found))
        page = flows.list(workspace_id, status=status, limit=want, cursor=cursor)
        scanned += len(page.items)
        found.extend(record for record in page.items if _matches(record, needle))
        cursor = page.next_cursor
        if cursor is None:
            break
    return Page[FlowRecord](items=found, next_cursor=cursor)
