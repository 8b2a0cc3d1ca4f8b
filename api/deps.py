"""Dependencies of the routes: the app's services, the authenticated caller, permission checks, auditing."""

from __future__ import annotations

import contextlib
import hashlib
import logging
import re
import threading
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Annotated, Any, TypeVar

from fastapi import Depends, Path, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BeforeValidator, JsonValue

from api.ratelimit import RateLimiter
from deca.auth import (
    PERMISSIONS,
    ROLE_PERMISSIONS,
    AuthError,
    Permission,
    PermissionDeniedError,
    RoleName,
    TokenClaims,
    TokenVerifier,
    strongest_role,
)
from deca.clock import Clock
from deca.crypto import Envelope
from deca.errors import ConflictError, NotFoundError
from deca.flow import Flow
from deca.settings import Settings
from deca.stores import Stores
from deca.stores.models import AuditRecord, IdempotencyRecord, Member, Workspace, iso_8601

__all__ = [
    "ID_PATTERN",
    "USER_ID_PATTERN",
    "ApiServices",
    "FlowChecker",
    "HealthCheck",
    "IsoDateTime",
    "Principal",
    "PrincipalDep",
    "ResourceId",
    "ServicesDep",
    "audit",
    "built_once",
    "current_principal",
    "get_services",
    "iso_8601",
    "require",
]

logger = logging.getLogger(__name__)

ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}$"
"""Every resource id the API accepts in a path (and assigns): no slashes, at most 128 characters."""

USER_ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.:@|-]{0,199}$"
"""A user id (the issuer's `sub`, e.g. `auth0|abc` or `google-oauth2|123`)."""

ResourceId = Annotated[str, Path(pattern=ID_PATTERN, description="Resource id")]


IsoDateTime = Annotated[datetime, BeforeValidator(iso_8601)]
"""A date-time query parameter in ISO 8601 (`2026-01-01T00:00:00Z`); anything else is a 422."""

FlowChecker = Callable[[Flow], None]
"""Validates a flow beyond its schema (graph, templates); raises `CompileErrors` listing every problem."""

HealthCheck = Callable[[], bool]
"""Probes one dependency for /health: True when it answers."""


@dataclass
class ApiServices:
    """Everything the routes use, built once by `create_app` and kept on `app.state.services`."""

    settings: Settings
    stores: Stores
    verifier: TokenVerifier
    envelope: Envelope
    limiter: RateLimiter
    clock: Clock
    check_flow: FlowChecker
    started_at: datetime
    health_checks: Mapping[str, HealthCheck] = field(default_factory=dict)
    seen_tokens: dict[str, None] = field(default_factory=dict)
    """Fingerprints of tokens whose login this process has seen (insertion-ordered, bounded)."""


async def get_services(request: Request) -> ApiServices:
    """The app's services (async: it only reads app state, so FastAPI runs it inline, not in a thread)."""
    services: ApiServices = request.app.state.services
    return services


ServicesDep = Annotated[ApiServices, Depends(get_services)]

T = TypeVar("T")
_building = threading.RLock()  # re-entrant: building one part may build another (the engine, say)


def built_once(state: Any, name: str, build: Callable[[], T]) -> T:
    """`state.<name>` (an app's state: what an embedder set, or what an earlier call built), else
    `build()`'s result, stored there: built once however many requests ask at the same time."""
    found: T | None = getattr(state, name, None)
    if found is not None:
        return found
    with _building:
        found = getattr(state, name, None)
        if found is None:
            found = build()
            setattr(state, name, found)
    return found


@dataclass(frozen=True)
class Principal:
    """The authenticated caller: who, in which workspace, with which role and permissions."""

    user_id: str
    workspace_id: str
    role: RoleName
    permissions: frozenset[Permission]
    source_ip: str | None = None
    user_agent: str | None = None


_bearer = HTTPBearer(
    auto_error=False, description="RS256 JWT from the issuer (Auth0, or `deca token` locally)"
)


def _membership(services: ApiServices, claims: TokenClaims, request: Request) -> Member:
    """The caller's stored membership; the first caller of an unknown workspace founds it.

    The issuer vouches for the token's workspace and roles, so a workspace that does not exist yet is
    created with the caller as a member in the strongest role of the token. After that, the stored
    membership decides (roles are changed through the members routes).
    """
    workspaces = services.stores.workspaces
    try:
        return workspaces.get_member(claims.workspace_id, claims.subject)
    except NotFoundError:
        pass
    try:
        workspaces.get(claims.workspace_id)
    except NotFoundError:
        role = strongest_role(claims.roles)
        if role is None:
            raise PermissionDeniedError("the token grants no role in this workspace") from None
        return _found_workspace(services, claims, role, request)
    _audit_denied(services, claims, request, "not a member of this workspace")
    raise PermissionDeniedError("not a member of this workspace")


def _audit_denied(services: ApiServices, claims: TokenClaims, request: Request, reason: str) -> None:
    """Audit `auth.denied` in the token's workspace: a valid token whose holder may not enter it.

    Only issuer-signed tokens are audited in a workspace (a forged one names any workspace it likes);
    rejected tokens are logged instead, with the reason and the source address, never the token.
    """
    _audit_caller(services, claims, request, "auth.denied", "denied", {"reason": reason})


def _audit_caller(
    services: ApiServices,
    claims: TokenClaims,
    request: Request,
    action: str,
    result: str,
    details: dict[str, JsonValue],
) -> None:
    """An audit record about the token's holder in the token's workspace, with where the call came from."""
    services.stores.audit.append(
        claims.workspace_id,
        AuditRecord(
            timestamp=services.clock.now(),
            user_id=claims.subject,
            workspace_id=claims.workspace_id,
            action=action,
            resource_id=claims.subject,
            source_ip=request.client.host if request.client else None,
            user_agent=request.headers.get("user-agent"),
            result=result,
            details=details,
        ),
    )


def _found_workspace(services: ApiServices, claims: TokenClaims, role: RoleName, request: Request) -> Member:
    workspaces = services.stores.workspaces
    now = services.clock.now()
    with contextlib.suppress(ConflictError):  # a concurrent first request may have created it
        workspaces.create(
            claims.workspace_id,
            Workspace(
                workspace_id=claims.workspace_id,
                name=claims.workspace_id,
                created_at=now,
                created_by=claims.subject,
            ),
        )
    try:
        member = workspaces.add_member(
            claims.workspace_id,
            Member(workspace_id=claims.workspace_id, user_id=claims.subject, role=role, added_at=now),
        )
    except ConflictError:
        return workspaces.get_member(claims.workspace_id, claims.subject)
    services.stores.audit.append(
        claims.workspace_id,
        AuditRecord(
            timestamp=now,
            user_id=claims.subject,
            workspace_id=claims.workspace_id,
            action="workspace.create",
            resource_id=claims.workspace_id,
            source_ip=request.client.host if request.client else None,
            user_agent=request.headers.get("user-agent"),
            result="success",
            details={"role": role},
        ),
    )
    return member


_SEEN_TOKENS_KEPT = 10_000


def _audit_login(services: ApiServices, claims: TokenClaims, token: str, request: Request) -> None:
    """Audit `auth.login` on the first request of a token (its session), once across all API instances.

    The token's fingerprint is claimed in the idempotency store until the token expires, so a second
    instance (another Lambda) does not record the same login again; this process remembers the tokens
    it has seen so later requests cost no store read. The token itself is never stored.
    """
    fingerprint = hashlib.sha256(token.encode()).hexdigest()
    if fingerprint in services.seen_tokens:
        return
    nonce = uuid.uuid4().hex
    claimed = services.stores.idempotency.put_if_absent(
        claims.workspace_id,
        IdempotencyRecord(
            workspace_id=claims.workspace_id,
            key=f"login:{fingerprint[:64]}",
            result=nonce,
            expires_at=claims.expires_at,
            created_at=services.clock.now(),
        ),
    )
    services.seen_tokens[fingerprint] = None
    if len(services.seen_tokens) > _SEEN_TOKENS_KEPT:
        del services.seen_tokens[next(iter(services.seen_tokens))]
    if claimed.result != nonce:
        return
    details: dict[str, JsonValue] = {
        "roles": list(claims.roles),
        "issued_at": claims.issued_at.isoformat(),
        "expires_at": claims.expires_at.isoformat(),
    }
    _audit_caller(services, claims, request, "auth.login", "success", details)


def current_principal(
    request: Request,
    services: ServicesDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Principal:
    """Authenticate the bearer token, rate-limit its workspace and resolve the caller's role."""
    if credentials is None or credentials.scheme.lower() != "bearer" or not credentials.credentials:
        raise AuthError("missing bearer token")
    try:
        claims = services.verifier.verify(credentials.credentials)
    except AuthError as exc:
        logger.warning(
            "token rejected: %s",
            exc.message,
            extra={"source_ip": request.client.host if request.client else None, "path": request.url.path},
        )
        raise
    if not re.fullmatch(ID_PATTERN, claims.workspace_id) or not re.fullmatch(USER_ID_PATTERN, claims.subject):
        raise AuthError("token workspace id or subject is not a usable id")
    services.limiter.check(claims.workspace_id)
    request.state.workspace_id = claims.workspace_id  # correlation keys of the request log
    request.state.user_id = claims.subject
    member = _membership(services, claims, request)
    _audit_login(services, claims, credentials.credentials, request)
    permissions = ROLE_PERMISSIONS[member.role]
    requested = claims.scopes & PERMISSIONS
    if requested:  # a token asking for specific scopes narrows the role, never widens it
        permissions = permissions & requested
    return Principal(
        user_id=claims.subject,
        workspace_id=claims.workspace_id,
        role=member.role,
        permissions=permissions,
        source_ip=request.client.host if request.client else None,
        user_agent=request.headers.get("user-agent"),
    )


PrincipalDep = Annotated[Principal, Depends(current_principal)]


def audit(
    services: ApiServices,
    principal: Principal,
    action: str,
    resource_id: str | None,
    *,
    result: str = "success",
    details: Mapping[str, JsonValue] | None = None,
) -> None:
    """Append one audit record for an action of `principal`."""
    services.stores.audit.append(
        principal.workspace_id,
        AuditRecord(
            timestamp=services.clock.now(),
            user_id=principal.user_id,
            workspace_id=principal.workspace_id,
            action=action,
            resource_id=resource_id,
            source_ip=principal.source_ip,
            user_agent=principal.user_agent,
            result=result,
            details=dict(details or {}),
        ),
    )


def require(permission: Permission) -> Any:
    """A dependency giving the caller if they hold `permission`, else 403 (and an audit record)."""

    def _require(request: Request, principal: PrincipalDep, services: ServicesDep) -> Principal:
        if permission not in principal.permissions:
            audit(
                services,
                principal,
                "authz.denied",
                None,
                result="denied",
                details={"permission": permission, "method": request.method, "path": request.url.path},
            )
            raise PermissionDeniedError(
                f"role '{principal.role}' lacks '{permission}'", permission=permission
            )
        return principal

    return Depends(_require)
