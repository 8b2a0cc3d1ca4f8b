"""Flows: create from a flow document, list, get, update (a new version), archive, delete, validate,
import and export."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Final, Literal

from fastapi import APIRouter, Body, Query, Response
from pydantic import BaseModel, Field, ValidationError

from api.deps import Principal, ResourceId, ServicesDep, audit, require
from api.errors import ErrorDetail, compile_details, error_responses, validation_details
from api.flow_service import FlowDetail, add_version, create_flow, search_flows, set_status
from api.schemas import COMMON_ERRORS, DEFAULT_PAGE, Cursor, Limit, RequestModel
from deca.errors import CompileErrors, ConflictError
from deca.flow import Flow
from deca.stores import Page
from deca.stores.models import FlowRecord, FlowStatus, UtcDatetime

__all__ = ["router"]

router = APIRouter(prefix="/flows", tags=["flows"], responses=COMMON_ERRORS)

Comment = Annotated[str, Query(max_length=500, description="Why this version was made")]
EXPORT_FORMAT: Final = "deca.flow"


class ValidationReport(BaseModel):
    """A flow that validates (problems are a 422 with one detail each)."""

    valid: Literal[True] = True
    flow_id: str
    nodes: int
    connections: int


class FlowExport(BaseModel):
    """A portable flow file: the document of one version and where it came from."""

    format: Literal["deca.flow"] = EXPORT_FORMAT
    format_version: Literal[1] = 1
    exported_at: UtcDatetime
    source_version: int
    flow: dict[str, Any] = Field(description="The flow document")


class FlowImport(RequestModel):
    """A flow file to import (what export produced, or just `{"flow": <document>}`)."""

    format: Literal["deca.flow"] = EXPORT_FORMAT
    format_version: Literal[1] = 1
    exported_at: datetime | None = None
    source_version: int | None = None
    flow: Flow


@router.post("", response_model=FlowDetail, status_code=201, responses=error_responses(409))
def create(
    flow: Flow,
    services: ServicesDep,
    principal: Annotated[Principal, require("write:flows")],
    comment: Comment = "",
) -> FlowDetail:
    """Create a flow from a flow document; it becomes version 1 (409 if the id is taken)."""
    return create_flow(services, principal, flow, comment=comment, action="flow.create")


@router.get("", response_model=Page[FlowRecord])
def list_flows(
    services: ServicesDep,
    principal: Annotated[Principal, require("read:flows")],
    status: FlowStatus | None = None,
    q: Annotated[str | None, Query(max_length=200, description="Text in the name, description or id")] = None,
    limit: Limit = DEFAULT_PAGE,
    cursor: Cursor = None,
) -> Page[FlowRecord]:
    """Flows of the workspace by name, optionally filtered by status and text."""
    return search_flows(services, principal.workspace_id, status=status, q=q, limit=limit, cursor=cursor)


@router.post("/validate", response_model=ValidationReport)
def validate(
    flow: Flow, services: ServicesDep, principal: Annotated[Principal, require("read:flows")]
) -> ValidationReport:
    """Check a flow document (schema, graph, templates): 200, or 422 with one detail per problem."""
    services.check_flow(flow)
    return ValidationReport(flow_id=flow.id, nodes=len(flow.nodes), connections=len(flow.connections))


class FlowCheck(BaseModel):
    """A draft's problems: `valid` with none, or one per problem, located like a 422's details."""

    valid: bool
    problems: list[ErrorDetail] = Field(default_factory=list)


@router.post("/check", response_model=FlowCheck)
def check(
    draft: Annotated[dict[str, Any], Body(description="A flow document, possibly unfinished")],
    services: ServicesDep,
    principal: Annotated[Principal, require("read:flows")],
) -> FlowCheck:
    """List a draft's problems (schema, graph, templates) with a 200, for editors that check as you type."""
    try:
        services.check_flow(Flow.model_validate(draft))
    except ValidationError as exc:
        errors = [{**error, "loc": ("body", *error["loc"])} for error in exc.errors()]
        return FlowCheck(valid=False, problems=validation_details(errors, draft))
    except CompileErrors as exc:
        return FlowCheck(valid=False, problems=compile_details(exc))
    return FlowCheck(valid=True)


@router.post("/import", response_model=FlowDetail, status_code=201, responses=error_responses(409))
def import_flow(
    body: FlowImport,
    services: ServicesDep,
    principal: Annotated[Principal, require("write:flows")],
    on_conflict: Annotated[
        Literal["error", "new_version"], Query(description="When the flow id exists: 409, or add a version")
    ] = "error",
) -> FlowDetail:
    """Import a flow file as a new flow (or as a new version of the flow with its id)."""
    try:
        return create_flow(services, principal, body.flow, comment="imported", action="flow.import")
    except ConflictError:
        if on_conflict == "error":
            raise
    return add_version(services, principal, body.flow.id, body.flow, comment="imported", action="flow.import")


@router.get("/{flow_id}", response_model=FlowDetail, responses=error_responses(404))
def get(
    flow_id: ResourceId, services: ServicesDep, principal: Annotated[Principal, require("read:flows")]
) -> FlowDetail:
    """A flow and its latest document."""
    flows = services.stores.flows
    record = flows.get(principal.workspace_id, flow_id)
    latest = flows.get_version(principal.workspace_id, flow_id, record.latest_version)
    return FlowDetail(flow=record, version=latest.version, definition=latest.definition)


@router.put("/{flow_id}", response_model=FlowDetail, responses=error_responses(404, 409))
def update(
    flow_id: ResourceId,
    flow: Flow,
    services: ServicesDep,
    principal: Annotated[Principal, require("write:flows")],
    comment: Comment = "",
    base_version: Annotated[
        int | None,
        Query(ge=0, description="The version this edit started from: 409 if another was saved since"),
    ] = None,
) -> FlowDetail:
    """Save a changed document as the flow's next version (versions are immutable)."""
    return add_version(
        services, principal, flow_id, flow, comment=comment, action="flow.update", base_version=base_version
    )


@router.post("/{flow_id}/archive", response_model=FlowRecord, responses=error_responses(404))
def archive(
    flow_id: ResourceId, services: ServicesDep, principal: Annotated[Principal, require("delete:flows")]
) -> FlowRecord:
    """Archive a flow (kept with its versions; `restore` brings it back)."""
    return set_status(services, principal, flow_id, "archived")


@router.post("/{flow_id}/restore", response_model=FlowRecord, responses=error_responses(404))
def restore(
    flow_id: ResourceId, services: ServicesDep, principal: Annotated[Principal, require("delete:flows")]
) -> FlowRecord:
    """Make an archived flow active again."""
    return set_status(services, principal, flow_id, "active")


@router.delete("/{flow_id}", status_code=204, responses=error_responses(404))
def delete(
    flow_id: ResourceId, services: ServicesDep, principal: Annotated[Principal, require("delete:flows")]
) -> Response:
    """Delete a flow and all its versions for good."""
    services.stores.flows.delete(principal.workspace_id, flow_id)
    audit(services, principal, "flow.delete", flow_id)
    return Response(status_code=204)


@router.get("/{flow_id}/export", response_model=FlowExport, responses=error_responses(404))
def export(
    flow_id: ResourceId,
    services: ServicesDep,
    principal: Annotated[Principal, require("read:flows")],
    version: Annotated[int | None, Query(ge=1, description="Version to export (default: latest)")] = None,
) -> FlowExport:
    """A portable file of one version of the flow (import it with POST /flows/import)."""
    flows = services.stores.flows
    record = flows.get(principal.workspace_id, flow_id)
    stored = flows.get_version(principal.workspace_id, flow_id, version or record.latest_version)
    return FlowExport(exported_at=services.clock.now(), source_version=stored.version, flow=stored.definition)
