"""Named errors of the integration nodes; the class name is the ASL error name flows Catch and Retry.

One family for every service, so a flow can Catch `IntegrationRateLimited` whatever it called:
`IntegrationError` is the base (and what an unexpected provider answer raises), the others say what
went wrong. `HttpRequestFailed` (4xx), `HttpServerError` (5xx), `HttpTimeout` and `HttpConnectionError`
are the generic HTTP node's. ASL matches error names exactly: a subclass is its own name to Catch.
"""

from __future__ import annotations

from deca.errors import DecaError

__all__ = [
    "HttpConnectionError",
    "HttpRequestFailed",
    "HttpServerError",
    "HttpTimeout",
    "IntegrationAuthError",
    "IntegrationConfigError",
    "IntegrationError",
    "IntegrationInProgress",
    "IntegrationNotFound",
    "IntegrationRateLimited",
]


class IntegrationError(DecaError):
    """A call to an outside service failed (the message says which service and why)."""

    code = "integration_error"

    def __init__(self, message: str, *, service: str, status: int | None = None) -> None:
        super().__init__(message)
        self.service = service
        self.status = status


class IntegrationAuthError(IntegrationError):
    """The service refused the credential (401/403, a revoked token) or the credential lacks a field."""

    code = "integration_auth_error"


class IntegrationNotFound(IntegrationError):
    """The object named in the config (ticket, file, channel, key, ...) does not exist."""

    code = "integration_not_found"


class IntegrationRateLimited(IntegrationError):
    """The service asked to slow down (429 and its kin); retrying later succeeds."""

    code = "integration_rate_limited"
    retryable = True

    def __init__(
        self, message: str, *, service: str, status: int | None = 429, retry_after: float | None = None
    ) -> None:
        super().__init__(message, service=service, status=status)
        self.retry_after = retry_after


class IntegrationConfigError(IntegrationError):
    """The node's config or input cannot be sent as it is; the message names the field."""

    code = "integration_config_error"


class IntegrationInProgress(IntegrationError):
    """Another attempt of the same side-effecting node is still running (retry once it has finished)."""

    code = "integration_in_progress"
    retryable = True


class HttpRequestFailed(IntegrationError):
    """The HTTP node got a client error status (4xx) and `fail_on_status` is on."""

    code = "http_request_failed"

    def __init__(self, message: str, *, status: int, body: str = "", url: str = "") -> None:
        super().__init__(message, service="http", status=status)
        self.body = body
        self.url = url


class HttpServerError(HttpRequestFailed):
    """The HTTP node got a 5xx status (after its own retries) and `fail_on_status` is on; retrying later may work."""

    code = "http_server_error"
    retryable = True


class HttpTimeout(IntegrationError):
    """The request did not complete within the node's timeout."""

    code = "http_timeout"
    retryable = True

    def __init__(self, message: str, *, service: str = "http") -> None:
        super().__init__(message, service=service)


class HttpConnectionError(IntegrationError):
    """The service could not be reached (DNS, refused connection, TLS, reset)."""

    code = "http_connection_error"
    retryable = True

    def __init__(self, message: str, *, service: str = "http") -> None:
        super().__init__(message, service=service)
