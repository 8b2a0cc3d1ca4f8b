"""Workspaces (the tenants) and their members."""

from __future__ import annotations

from deca.stores.base import DEFAULT_LIMIT
from deca.stores.collection import Collection
from deca.stores.models import Member, Page, Role, Workspace

__all__ = ["WorkspaceStore"]


class WorkspaceStore:
    """The `WorkspaceRepository` over the workspaces and members collections."""

    def __init__(self, workspaces: Collection[Workspace], members: Collection[Member]) -> None:
        self._workspaces = workspaces
        self._members = members

    def create(self, workspace_id: str, workspace: Workspace, /) -> Workspace:
        """Store a new workspace; `ConflictError` if the id exists."""
        return self._workspaces.insert(workspace_id, workspace)

    def get(self, workspace_id: str, /) -> Workspace:
        """The workspace; `NotFoundError` if missing."""
        return self._workspaces.get(self._workspaces.key(workspace_id))

    def update(self, workspace_id: str, workspace: Workspace, /) -> Workspace:
        """Replace the workspace's fields (its creation stamp is kept)."""
        return self._workspaces.replace(workspace_id, workspace, keep=("created_at", "created_by"))

    def delete(self, workspace_id: str, /) -> None:
        """Remove the workspace and its members."""
        self._workspaces.remove(self._workspaces.key(workspace_id))
        self._members.table.delete_where({"workspace_id": workspace_id})

    def add_member(self, workspace_id: str, member: Member, /) -> Member:
        """Add a user to an existing workspace; `ConflictError` if already a member."""
        self.get(workspace_id)
        return self._members.insert(workspace_id, member)

    def get_member(self, workspace_id: str, user_id: str, /) -> Member:
        """A user's membership; `NotFoundError` if not a member."""
        return self._members.get(self._members.key(workspace_id, user_id))

    def set_role(self, workspace_id: str, user_id: str, role: Role, /) -> Member:
        """Change a member's role."""
        key = self._members.key(workspace_id, user_id)
        updated = self._members.update(key, {"role": role})
        if updated is None:
            raise self._members.not_found(key)
        return updated

    def remove_member(self, workspace_id: str, user_id: str, /) -> None:
        """Remove a user from the workspace."""
        self._members.remove(self._members.key(workspace_id, user_id))

    def list_members(
        self, workspace_id: str, /, *, limit: int = DEFAULT_LIMIT, cursor: str | None = None
    ) -> Page[Member]:
        """Members ordered by user id."""
        return self._members.page(
            {"workspace_id": workspace_id}, (("user_id", False),), limit=limit, cursor=cursor
        )

    def memberships(
        self, user_id: str, /, *, limit: int = DEFAULT_LIMIT, cursor: str | None = None
    ) -> Page[Member]:
        """A user's memberships in every workspace, ordered by workspace id."""
        return self._members.page(
            {"user_id": user_id}, (("workspace_id", False),), limit=limit, cursor=cursor
        )

    def list_all(self, *, limit: int = DEFAULT_LIMIT, cursor: str | None = None) -> Page[Workspace]:
        """Every workspace, ordered by id (for the platform's own services, never a caller's query)."""
        return self._workspaces.page({}, (("workspace_id", False),), limit=limit, cursor=cursor)
