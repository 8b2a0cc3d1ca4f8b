"""The node catalogue: every node type with its config and output JSON Schemas."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path

from api.deps import Principal, require
from api.errors import error_responses
from api.schemas import COMMON_ERRORS
from deca.errors import InputError, NotFoundError
from deca.nodes import NodeTypeInfo, catalogue, node_type_info

__all__ = ["router"]

router = APIRouter(prefix="/nodes", tags=["nodes"], responses=COMMON_ERRORS)


@router.get("", response_model=list[NodeTypeInfo])
def list_node_types(principal: Annotated[Principal, require("read:flows")]) -> list[NodeTypeInfo]:
    """Every node type, sorted by type."""
    return list(catalogue())


@router.get("/{node_type}", response_model=NodeTypeInfo, responses=error_responses(404))
def get_node_type(
    principal: Annotated[Principal, require("read:flows")],
    node_type: Annotated[str, Path(pattern=r"^[a-z][a-z0-9_]{0,63}$")],
) -> NodeTypeInfo:
    """One node type."""
    try:
        return node_type_info(node_type)
    except InputError as exc:
        raise NotFoundError(exc.message, resource="node_type", resource_id=node_type) from exc
