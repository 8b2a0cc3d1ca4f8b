"""`http_request`: calls an HTTP API, with credential-based auth, retries and pagination."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from deca.nodes.base import NodeConfig, NodeOutput, NodeSpec
from deca.nodes.common import URL_OR_TEMPLATE_PATTERN, CredentialId, TemplateStr

if TYPE_CHECKING:
    from deca.nodes.context import NodeContext
    from deca.nodes.task import NodeTask

__all__ = ["SPEC", "HttpAuth", "HttpPagination", "HttpRequestConfig", "HttpRequestOutput", "HttpRetry", "run"]

# Headers that carry credentials: a literal value in a flow would be a secret in plain text.
_CREDENTIAL_HEADERS = frozenset(
    {"authorization", "proxy-authorization", "x-api-key", "api-key", "x-auth-token", "cookie"}
)

_HttpMethod = Literal["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class HttpAuth(_Strict):
    """How the request authenticates; the secret comes from the credential, never from the flow."""

    type: Literal["bearer", "basic", "api_key", "oauth2"] = Field(
        description="bearer: `Authorization: Bearer <token>`; basic: user/password; api_key: a header or "
        "query parameter; oauth2: an access token the platform refreshes"
    )
    credential_id: CredentialId
    name: str | None = Field(
        default=None, min_length=1, max_length=200, description="Header or parameter name (api_key only)"
    )
    location: Literal["header", "query"] = Field(
        default="header", description="Where the key goes (api_key only)"
    )

    @model_validator(mode="after")
    def _api_key_needs_name(self) -> HttpAuth:
        if self.type == "api_key" and not self.name:
            raise ValueError("name is required when type is 'api_key' (e.g. X-API-Key)")
        if self.type != "api_key" and self.name is not None:
            raise ValueError(f"name is only used when type is 'api_key', not '{self.type}'")
        return self


class HttpRetry(_Strict):
    """Retries of the request itself (network errors and the listed statuses), before the node fails."""

    max_attempts: int = Field(default=3, ge=1, le=10, description="Attempts in total, the first included")
    backoff_seconds: float = Field(default=1.0, ge=0, le=300, description="First delay, doubled each retry")
    retry_on_status: list[int] = Field(
        default_factory=lambda: [429, 500, 502, 503, 504], description="Statuses that are retried"
    )
    respect_retry_after: bool = Field(default=True, description="Honour a `Retry-After` header")


class HttpPagination(_Strict):
    """Follow pages and collect their items into the output's `items`."""

    mode: Literal["cursor", "page", "offset", "link_header"] = Field(
        description="cursor: pass the next cursor from the response; page: page=1,2,...; offset: offset += "
        'page size; link_header: follow RFC 8288 `Link: <...>; rel="next"`'
    )
    items_path: str = Field(
        min_length=1, description="JSONata path of the items in each response body, e.g. `data` or `results`"
    )
    param: str | None = Field(
        default=None, description="Query parameter carrying the cursor/page/offset (not link_header)"
    )
    next_cursor_path: str | None = Field(default=None, description="JSONata path of the next cursor (cursor)")
    page_size: int | None = Field(default=None, ge=1, le=10_000, description="Items per page (offset, page)")
    page_size_param: str | None = Field(default=None, description="Query parameter carrying page_size")
    max_pages: int = Field(default=10, ge=1, le=1000, description="Stop after this many pages")

    @model_validator(mode="after")
    def _mode_fields(self) -> HttpPagination:
        if self.mode != "link_header" and not self.param:
            raise ValueError(f"param is required when mode is '{self.mode}'")
        if self.mode == "cursor" and not self.next_cursor_path:
            raise ValueError("next_cursor_path is required when mode is 'cursor'")
        if self.mode == "offset" and self.page_size is None:
            raise ValueError("page_size is required when mode is 'offset'")
        return self


class HttpRequestConfig(NodeConfig):
    """Config of the http_request node."""

    method: _HttpMethod = Field(default="GET", description="HTTP method")
    url: str = Field(
        pattern=URL_OR_TEMPLATE_PATTERN,
        description="Absolute http(s) URL; templates allowed, e.g. `https://api.example.com/users/{{ input.id }}`",
    )
    headers: dict[str, str] = Field(
        default_factory=dict,
        description="Request headers (templates allowed); credentials go in `auth`, never as literal values",
    )
    query: dict[str, str | int | float | bool | list[str]] = Field(
        default_factory=dict, description="Query parameters; a list repeats the parameter"
    )
    body: Any = Field(default=None, description="Request body: JSON value, form fields or text")
    body_type: Literal["json", "form", "multipart", "text", "binary"] = Field(
        default="json", description="How `body` is encoded (sets Content-Type unless a header does)"
    )
    auth: HttpAuth | None = Field(default=None, description="Authentication by credential; none when unset")
    timeout: Annotated[float, Field(gt=0, le=900)] | TemplateStr = Field(
        default=30.0, description="Seconds for the whole request"
    )
    retry: HttpRetry = Field(default_factory=HttpRetry, description="Retries of the request itself")
    pagination: HttpPagination | None = Field(
        default=None, description="Follow pages and collect their items"
    )
    response_format: Literal["auto", "json", "text", "binary"] = Field(
        default="auto", description="auto: JSON when the response says so, else text; binary: base64"
    )
    follow_redirects: bool = Field(default=True, description="Follow 3xx redirects")
    fail_on_status: bool = Field(
        default=True,
        description="Raise HttpRequestFailed (4xx) or HttpServerError (5xx); false: output the status and go on",
    )

    @model_validator(mode="after")
    def _body_matches_method(self) -> HttpRequestConfig:
        if self.method in ("GET", "HEAD", "OPTIONS") and self.body is not None:
            raise ValueError(f"body is not allowed with method {self.method}")
        if self.pagination is not None and self.method not in ("GET", "POST"):
            raise ValueError(f"pagination is only supported with GET and POST, not {self.method}")
        for name, value in self.headers.items():
            if name.lower() not in _CREDENTIAL_HEADERS:
                continue
            if self.auth is not None and name.lower() == "authorization":
                raise ValueError(f"headers.{name} conflicts with auth: use one of them")
            if (
                "{{" not in value
            ):  # a value computed upstream (e.g. a fresh token) is fine; a literal is a secret
                raise ValueError(
                    f"headers.{name} holds a literal secret: use auth with a credential_id "
                    "(secrets are never written in a flow)"
                )
        return self


class HttpRequestOutput(NodeOutput):
    """What an http_request node returns."""

    status: int = Field(description="HTTP status code of the (last) response")
    headers: dict[str, str] = Field(default_factory=dict, description="Response headers (lower-case names)")
    body: Any = Field(default=None, description="Parsed JSON, text, or base64 for binary")
    items: list[Any] | None = Field(default=None, description="Every page's items (with pagination)")
    pages: int = Field(default=1, ge=0, description="Pages fetched")
    url: str = Field(default="", description="Final URL after redirects")
    duration_ms: int = Field(
        description="Time taken in milliseconds, pages and retries included", default=0, ge=0
    )


SPEC = NodeSpec(
    type="http_request",
    category="integration",
    description="Call any HTTP API (auth by credential, retries, pagination)",
    config=HttpRequestConfig,
    output=HttpRequestOutput,
    side_effects=True,
    icon="globe",
    errors=(
        "HttpRequestFailed",
        "HttpServerError",
        "HttpTimeout",
        "HttpConnectionError",
        "IntegrationRateLimited",
        "IntegrationAuthError",
        "IntegrationConfigError",
        "OutboundRequestBlocked",
        "CredentialNotFound",
    ),
    example={
        "method": "POST",
        "url": "https://api.example.com/v1/leads",
        "body": {"email": "{{ input.email }}"},
        "auth": {"type": "bearer", "credential_id": "example-api"},
    },
)


def run(config: HttpRequestConfig, task: NodeTask, ctx: NodeContext) -> HttpRequestOutput:
    """Send the request through the SSRF guard; POST and PATCH run once per execution and node."""
    from deca.integrations.http import perform_request

    if config.method in ("POST", "PATCH"):
        from deca.integrations.idempotency import run_once

        return run_once(ctx, task, HttpRequestOutput, lambda: perform_request(config, ctx))
    return perform_request(config, ctx)
