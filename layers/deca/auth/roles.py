"""Roles and the permissions each one grants (the architecture document's RBAC)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Final, Literal, get_args

__all__ = [
    "PERMISSIONS",
    "ROLES",
    "ROLE_PERMISSIONS",
    "Permission",
    "RoleName",
    "permissions_for",
    "strongest_role",
]

Permission = Literal[
    "read:flows",
    "write:flows",
    "delete:flows",
    "read:agents",
    "write:agents",
    "delete:agents",
    "read:executions",
    "write:executions",
    "read:credentials",
    "write:credentials",
    "read:audit",
    "manage:workspace",
    "manage:users",
]
RoleName = Literal["owner", "admin", "developer", "viewer", "executor"]

PERMISSIONS: Final[frozenset[Permission]] = frozenset(get_args(Permission))
ROLES: Final[tuple[RoleName, ...]] = ("owner", "admin", "developer", "executor", "viewer")
"""Every role, strongest first (the order used when one role must be picked from several)."""

_READ: Final[frozenset[Permission]] = frozenset({"read:flows", "read:agents", "read:executions"})
_BUILD: Final[frozenset[Permission]] = _READ | {
    "write:flows",
    "delete:flows",
    "write:agents",
    "delete:agents",
    "write:executions",
    "read:credentials",
    "write:credentials",
}

ROLE_PERMISSIONS: Final[dict[RoleName, frozenset[Permission]]] = {
    # Owner and admin hold every permission; only an owner may grant, change or remove the owner role.
    "owner": PERMISSIONS,
    "admin": PERMISSIONS,
    "developer": _BUILD,
    "viewer": _READ,
    "executor": _READ | {"write:executions"},
}


def permissions_for(roles: Iterable[str]) -> frozenset[Permission]:
    """The union of the permissions of the known roles (unknown role names grant nothing)."""
    granted: frozenset[Permission] = frozenset()
    for role in roles:
        granted |= ROLE_PERMISSIONS.get(role, frozenset())  # type: ignore[call-overload]
    return granted


def strongest_role(roles: Iterable[str]) -> RoleName | None:
    """The first of `ROLES` present in `roles`, or None when none is a known role."""
    present = set(roles)
    return next((role for role in ROLES if role in present), None)
