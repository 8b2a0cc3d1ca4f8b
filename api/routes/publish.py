"""Publishing: compile a flow version and deploy it to the execution engine, or withdraw it."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from api.deps import Principal, ResourceId, ServicesDep, audit, require
from api.errors import error_responses
from api.routes.engine_deps import EngineDep
from api.schemas import COMMON_ERRORS
from deca.errors import ConflictError
from deca.flow import Flow
from deca.stores.models import FlowRecord
from statemachines.compiler import compile_flow

__all__ = ["router"]

router = APIRouter(prefix="/flows/{flow_id}", tags=["publishing"], responses=COMMON_ERRORS)


class Publication(BaseModel):
    """A published flow: which version runs, on which engine, under which reference."""

    flow: FlowRecord
    version: int = Field(description="The published version")
    engine: str = Field(description="`local` or `stepfunctions`")
    engine_ref: str = Field(description="The engine's reference (a state machine ARN)")


@router.post("/publish", response_model=Publication, responses=error_responses(404, 409))
def publish(
    flow_id: ResourceId,
    services: ServicesDep,
    engine: EngineDep,
    principal: Annotated[Principal, require("write:flows")],
    version: Annotated[int | None, Query(ge=1, description="Version to publish (default: latest)")] = None,
) -> Publication:
    """Compile a version (default: the latest) and deploy it; new executions and triggers use it."""
    flows = services.stores.flows
    record = flows.get(principal.workspace_id, flow_id)
    if record.status == "archived":
        raise ConflictError("an archived flow cannot be published", resource="flow", resource_id=flow_id)
    stored = flows.get_version(principal.workspace_id, flow_id, version or record.latest_version)
    flow = Flow.model_validate(stored.definition)
    services.check_flow(flow)  # 422 compile_errors naming each problem
    asl = compile_flow(flow, engine.compile_options(principal.workspace_id))
    ref = engine.deploy(record, stored, asl)
    updated = flows.update(
        principal.workspace_id,
        record.model_copy(update={"published_version": stored.version, "updated_at": services.clock.now()}),
    )
    audit(
        services,
        principal,
        "flow.publish",
        flow_id,
        details={"version": stored.version, "engine": engine.name, "engine_ref": ref},
    )
    return Publication(flow=updated, version=stored.version, engine=engine.name, engine_ref=ref)


@router.post("/unpublish", response_model=FlowRecord, responses=error_responses(404))
def unpublish(
    flow_id: ResourceId,
    services: ServicesDep,
    engine: EngineDep,
    principal: Annotated[Principal, require("write:flows")],
) -> FlowRecord:
    """Withdraw the published version: triggers stop starting it (running executions finish)."""
    flows = services.stores.flows
    record = flows.get(principal.workspace_id, flow_id)
    if record.published_version is None:
        return record
    engine.undeploy(principal.workspace_id, flow_id, record.published_version)
    updated = flows.update(
        principal.workspace_id,
        record.model_copy(update={"published_version": None, "updated_at": services.clock.now()}),
    )
    audit(services, principal, "flow.unpublish", flow_id, details={"version": record.published_version})
    return updated
