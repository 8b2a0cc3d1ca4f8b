"""Authentication (RS256 JWT against a JWKS, a local issuer) and role-based authorisation."""

from __future__ import annotations

from deca.auth.errors import AuthError, AuthUnavailableError, PermissionDeniedError, RateLimitedError
from deca.auth.jwks import HttpJwks, JwksProvider, StaticJwks, parse_jwks
from deca.auth.local import LocalIssuer, load_or_create_private_key, mint_local_token
from deca.auth.roles import (
    PERMISSIONS,
    ROLE_PERMISSIONS,
    ROLES,
    Permission,
    RoleName,
    permissions_for,
    strongest_role,
)
from deca.auth.tokens import ALGORITHM, ROLES_CLAIM, WORKSPACE_CLAIM, TokenClaims, TokenVerifier

__all__ = [
    "ALGORITHM",
    "PERMISSIONS",
    "ROLES",
    "ROLES_CLAIM",
    "ROLE_PERMISSIONS",
    "WORKSPACE_CLAIM",
    "AuthError",
    "AuthUnavailableError",
    "HttpJwks",
    "JwksProvider",
    "LocalIssuer",
    "Permission",
    "PermissionDeniedError",
    "RateLimitedError",
    "RoleName",
    "StaticJwks",
    "TokenClaims",
    "TokenVerifier",
    "load_or_create_private_key",
    "mint_local_token",
    "parse_jwks",
    "permissions_for",
    "strongest_role",
]
