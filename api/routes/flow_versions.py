"""A flow's immutable versions and the structured diff between two of them."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query

from api.deps import Principal, ResourceId, ServicesDep, require
from api.errors import error_responses
from api.flow_diff import FlowDiff, diff_flows
from api.schemas import COMMON_ERRORS, DEFAULT_PAGE, Cursor, Limit
from deca.stores import Page
from deca.stores.models import FlowVersion

__all__ = ["router"]

router = APIRouter(prefix="/flows/{flow_id}", tags=["flow versions"], responses=COMMON_ERRORS)

Version = Annotated[int, Path(ge=1, le=1_000_000, description="Version number")]


@router.get("/versions", response_model=Page[FlowVersion], responses=error_responses(404))
def list_versions(
    flow_id: ResourceId,
    services: ServicesDep,
    principal: Annotated[Principal, require("read:flows")],
    limit: Limit = DEFAULT_PAGE,
    cursor: Cursor = None,
) -> Page[FlowVersion]:
    """The flow's versions, newest first."""
    services.stores.flows.get(principal.workspace_id, flow_id)  # 404 for a missing flow, not an empty page
    return services.stores.flows.list_versions(principal.workspace_id, flow_id, limit=limit, cursor=cursor)


@router.get("/versions/{version}", response_model=FlowVersion, responses=error_responses(404))
def get_version(
    flow_id: ResourceId,
    version: Version,
    services: ServicesDep,
    principal: Annotated[Principal, require("read:flows")],
) -> FlowVersion:
    """One version of the flow."""
    return services.stores.flows.get_version(principal.workspace_id, flow_id, version)


@router.get("/diff", response_model=FlowDiff, responses=error_responses(404))
def diff(
    flow_id: ResourceId,
    services: ServicesDep,
    principal: Annotated[Principal, require("read:flows")],
    from_version: Annotated[int, Query(alias="from", ge=1, description="Older version")],
    to_version: Annotated[int, Query(alias="to", ge=1, description="Newer version")],
) -> FlowDiff:
    """Nodes added/removed/changed, connections and triggers added/removed, settings changed."""
    flows = services.stores.flows
    before = flows.get_version(principal.workspace_id, flow_id, from_version)
    after = flows.get_version(principal.workspace_id, flow_id, to_version)
    return diff_flows(flow_id, from_version, before.definition, to_version, after.definition)
