"""`deca_crm`: creates, reads, updates, deletes and searches DECA CRM records."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, ClassVar, Literal

from pydantic import Field

from deca.nodes.base import NodeOutput, NodeSpec
from deca.nodes.common import OPERATION_HELP, Operation, OperationConfig

if TYPE_CHECKING:
    from deca.deca_data.crm import CrmStore
    from deca.nodes.context import NodeContext
    from deca.nodes.task import NodeTask

__all__ = ["SPEC", "DecaCrmConfig", "DecaCrmOutput", "run"]


class DecaCrmConfig(OperationConfig):
    """Config of the deca_crm node."""

    operation: Literal["create", "get", "update", "delete", "search"] = Field(description=OPERATION_HELP)
    entity: Literal["contact", "company", "deal", "activity"] = Field(description="Record type")
    record_id: str | None = Field(default=None, min_length=1, description="Record id (templates allowed)")
    data: dict[str, Any] | None = Field(
        default=None, description='Field values to write, e.g. `{"email": "{{ input.email }}"}`'
    )
    match_on: list[str] | None = Field(
        default=None, description="create: update the record with equal values in these fields if one exists"
    )
    query: str | None = Field(default=None, description="Full-text search")
    filters: dict[str, Any] | None = Field(
        default=None,
        description="Field -> value filters with operators `$eq $ne $gt $gte $lt $lte $in $contains` and "
        '`$and`/`$or`, e.g. `{"stage": {"$in": ["won", "lost"]}}`',
    )
    sort: str | None = Field(
        default=None, pattern=r"^-?[A-Za-z_][A-Za-z0-9_.]*$", description="`field` or `-field`"
    )
    limit: int | None = Field(
        default=None, ge=1, le=1000, description="Maximum records returned (default 50)"
    )
    properties: list[str] | None = Field(default=None, description="Fields to return; all when unset")

    OPERATIONS: ClassVar[Mapping[str, Operation]] = {
        "create": Operation(required=("data",), optional=("match_on",)),
        "get": Operation(required=("record_id",), optional=("properties",)),
        "update": Operation(required=("record_id", "data")),
        "delete": Operation(required=("record_id",)),
        "search": Operation(optional=("query", "filters", "sort", "limit", "properties")),
    }


class DecaCrmOutput(NodeOutput):
    """What a deca_crm node returns (fields not used by the operation are empty)."""

    record: dict[str, Any] | None = Field(default=None, description="The record (create, get, update)")
    records: list[dict[str, Any]] = Field(default_factory=list, description="Matching records (search)")
    total: int = Field(default=0, ge=0, description="Number of matching records (search)")
    id: str | None = Field(default=None, description="Id of the record created, read, updated or deleted")
    created: bool = Field(default=False, description="True when create made a new record (not a match)")
    deleted: bool = Field(default=False, description="True when the record was deleted (delete)")


SPEC = NodeSpec(
    type="deca_crm",
    category="deca",
    description="Create, read, update, delete or search DECA CRM contacts, companies, deals and activities",
    config=DecaCrmConfig,
    output=DecaCrmOutput,
    side_effects=True,
    icon="contact",
    errors=("RecordNotFound", "CrmError", "PermissionDenied"),
    example={
        "operation": "create",
        "entity": "contact",
        "match_on": ["email"],
        "data": {"email": "{{ input.customer_data.email }}", "name": "{{ input.customer_data.name }}"},
    },
)


def _act(config: DecaCrmConfig, store: CrmStore, workspace_id: str) -> DecaCrmOutput:
    entity, record_id = config.entity, config.record_id or ""
    if config.operation == "search":
        found = store.search(
            workspace_id,
            entity,
            query=config.query,
            filters=config.filters,
            sort=config.sort,
            limit=config.limit or 50,
        )
        records = [store.project(r, config.properties) for r in found]
        return DecaCrmOutput(records=records, total=len(records))
    if config.operation == "get":
        record = store.get(workspace_id, entity, record_id)
        return DecaCrmOutput(record=store.project(record, config.properties), id=record.record_id)
    if config.operation == "create":
        record, created = store.create(workspace_id, entity, config.data or {}, match_on=config.match_on)
        return DecaCrmOutput(record=store.project(record, None), id=record.record_id, created=created)
    if config.operation == "update":
        record = store.update(workspace_id, entity, record_id, config.data or {})
        return DecaCrmOutput(record=store.project(record, None), id=record.record_id)
    store.delete(workspace_id, entity, record_id)
    return DecaCrmOutput(id=record_id, deleted=True)


def run(config: DecaCrmConfig, task: NodeTask, ctx: NodeContext) -> DecaCrmOutput:
    """Do the CRM operation in the workspace's CRM store (writes run once per execution and node)."""
    from deca.deca_data.context import data_stores, write_once

    store = data_stores(ctx).crm
    if config.operation in ("get", "search"):
        return _act(config, store, ctx.workspace_id)
    return write_once(ctx, task, DecaCrmOutput, lambda: _act(config, store, ctx.workspace_id))
