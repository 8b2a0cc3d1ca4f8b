"""Errors of authentication and authorisation (part of the `deca.errors.DecaError` hierarchy)."""

from __future__ import annotations

from deca.errors import DecaError

__all__ = ["AuthError", "AuthUnavailableError", "PermissionDeniedError", "RateLimitedError"]


class AuthError(DecaError):
    """The request carries no usable credentials (missing, malformed, expired or untrusted token)."""

    code = "unauthenticated"


class AuthUnavailableError(DecaError):
    """The issuer's signing keys cannot be fetched right now (a server-side problem, retry later)."""

    code = "auth_unavailable"
    retryable = True


class PermissionDeniedError(DecaError):
    """The caller is authenticated but lacks the permission the action needs."""

    code = "forbidden"

    def __init__(self, message: str, *, permission: str | None = None) -> None:
        super().__init__(message)
        self.permission = permission


class RateLimitedError(DecaError):
    """The workspace sent more requests than its rate allows; retry after `retry_after_seconds`."""

    code = "rate_limited"
    retryable = True

    def __init__(self, message: str, *, retry_after_seconds: int) -> None:
        super().__init__(message)
        self.retry_after_seconds = retry_after_seconds
