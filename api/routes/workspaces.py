"""The caller's workspaces: every membership (the switcher), the current one and its members (roles are
managed here; only an owner touches owners). The current workspace is the token's `workspace_id` claim."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Response
from pydantic import BaseModel, Field, JsonValue

from api.deps import USER_ID_PATTERN, Principal, PrincipalDep, ServicesDep, audit, require
from api.errors import error_responses
from api.schemas import COMMON_ERRORS, DEFAULT_PAGE, Cursor, Limit, RequestModel
from deca.auth import Permission, PermissionDeniedError, RoleName
from deca.errors import ConflictError, NotFoundError
from deca.stores import MAX_LIMIT, Page
from deca.stores.models import Member, Workspace

__all__ = ["router"]

router = APIRouter(prefix="/workspaces", tags=["workspaces"], responses=COMMON_ERRORS)

UserId = Annotated[str, Path(pattern=USER_ID_PATTERN, description="Member's user id (the issuer's subject)")]


class CurrentWorkspace(BaseModel):
    """The caller's workspace and what the caller may do in it."""

    workspace: Workspace
    user_id: str
    role: RoleName
    permissions: list[Permission] = Field(description="Sorted")


class WorkspaceMembership(BaseModel):
    """A workspace the caller is a member of, with the caller's role in it."""

    workspace: Workspace
    role: RoleName
    current: bool = Field(description="Whether the caller's token is for this workspace")


class WorkspaceUpdate(RequestModel):
    """Fields of the workspace to change (omitted ones stay)."""

    name: str | None = Field(default=None, min_length=1, max_length=200)
    settings: dict[str, JsonValue] | None = None


class MemberCreate(RequestModel):
    """A user to add to the workspace."""

    user_id: str = Field(pattern=USER_ID_PATTERN, description="The issuer's subject")
    role: RoleName


class RoleChange(RequestModel):
    """A member's new role."""

    role: RoleName


def _owner_count(services: ServicesDep, workspace_id: str) -> int:
    count, cursor = 0, None
    while True:
        page = services.stores.workspaces.list_members(workspace_id, limit=MAX_LIMIT, cursor=cursor)
        count += sum(1 for member in page.items if member.role == "owner")
        if page.next_cursor is None:
            return count
        cursor = page.next_cursor


def _check_owner_rules(
    services: ServicesDep, principal: Principal, current: RoleName | None, new: RoleName | None
) -> None:
    """Only an owner grants or takes away the owner role, and the last owner stays."""
    touches_owner = "owner" in (current, new)
    if touches_owner and principal.role != "owner":
        raise PermissionDeniedError("only an owner can grant, change or remove the owner role")
    if current == "owner" and new != "owner" and _owner_count(services, principal.workspace_id) <= 1:
        raise ConflictError("a workspace keeps at least one owner", resource="member", resource_id="owner")


@router.get("", response_model=Page[WorkspaceMembership])
def list_my_workspaces(
    services: ServicesDep, principal: PrincipalDep, limit: Limit = DEFAULT_PAGE, cursor: Cursor = None
) -> Page[WorkspaceMembership]:
    """Every workspace the caller is a member of, with their role, by workspace id (for a workspace switcher).

    Switching is getting a token for another workspace (its `workspace_id` claim); this lists where one works.
    """
    page = services.stores.workspaces.memberships(principal.user_id, limit=limit, cursor=cursor)
    items: list[WorkspaceMembership] = []
    for member in page.items:
        try:
            workspace = services.stores.workspaces.get(member.workspace_id)
        except NotFoundError:  # removed between the two reads
            continue
        items.append(
            WorkspaceMembership(
                workspace=workspace, role=member.role, current=member.workspace_id == principal.workspace_id
            )
        )
    return Page[WorkspaceMembership](items=items, next_cursor=page.next_cursor)


@router.get("/current", response_model=CurrentWorkspace)
def get_current_workspace(services: ServicesDep, principal: PrincipalDep) -> CurrentWorkspace:
    """The caller's workspace, role and permissions."""
    return CurrentWorkspace(
        workspace=services.stores.workspaces.get(principal.workspace_id),
        user_id=principal.user_id,
        role=principal.role,
        permissions=sorted(principal.permissions),
    )


@router.patch("/current", response_model=Workspace)
def update_current_workspace(
    body: WorkspaceUpdate, services: ServicesDep, principal: Annotated[Principal, require("manage:workspace")]
) -> Workspace:
    """Rename the workspace or replace its settings."""
    current = services.stores.workspaces.get(principal.workspace_id)
    changes = body.model_dump(exclude_none=True)
    updated = services.stores.workspaces.update(principal.workspace_id, current.model_copy(update=changes))
    audit(
        services,
        principal,
        "workspace.update",
        principal.workspace_id,
        details={"fields": list[JsonValue](sorted(changes))},
    )
    return updated


@router.get("/current/members", response_model=Page[Member])
def list_members(
    services: ServicesDep,
    principal: Annotated[Principal, require("manage:users")],
    limit: Limit = DEFAULT_PAGE,
    cursor: Cursor = None,
) -> Page[Member]:
    """Members of the workspace, by user id."""
    return services.stores.workspaces.list_members(principal.workspace_id, limit=limit, cursor=cursor)


@router.post("/current/members", response_model=Member, status_code=201, responses=error_responses(409))
def add_member(
    body: MemberCreate, services: ServicesDep, principal: Annotated[Principal, require("manage:users")]
) -> Member:
    """Add a user with a role (409 if already a member)."""
    _check_owner_rules(services, principal, None, body.role)
    member = services.stores.workspaces.add_member(
        principal.workspace_id,
        Member(
            workspace_id=principal.workspace_id,
            user_id=body.user_id,
            role=body.role,
            added_at=services.clock.now(),
        ),
    )
    audit(services, principal, "member.add", body.user_id, details={"role": body.role})
    return member


@router.put("/current/members/{user_id}", response_model=Member, responses=error_responses(404, 409))
def change_member_role(
    user_id: UserId,
    body: RoleChange,
    services: ServicesDep,
    principal: Annotated[Principal, require("manage:users")],
) -> Member:
    """Change a member's role."""
    current = services.stores.workspaces.get_member(principal.workspace_id, user_id)
    _check_owner_rules(services, principal, current.role, body.role)
    member = services.stores.workspaces.set_role(principal.workspace_id, user_id, body.role)
    audit(services, principal, "member.change_role", user_id, details={"from": current.role, "to": body.role})
    return member


@router.delete("/current/members/{user_id}", status_code=204, responses=error_responses(404, 409))
def remove_member(
    user_id: UserId, services: ServicesDep, principal: Annotated[Principal, require("manage:users")]
) -> Response:
    """Remove a user from the workspace."""
    current = services.stores.workspaces.get_member(principal.workspace_id, user_id)
    _check_owner_rules(services, principal, current.role, None)
    services.stores.workspaces.remove_member(principal.workspace_id, user_id)
    audit(services, principal, "member.remove", user_id, details={"role": current.role})
    return Response(status_code=204)
