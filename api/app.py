"""The FastAPI app: `create_app()` wires settings, stores, auth and routers (served by uvicorn and Mangum).

Locally: `uvicorn --factory api.app:create_app`. On Lambda: `api.lambda_handler.lambda_handler`.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Callable, Mapping, Sequence
from contextlib import AbstractAsyncContextManager

import httpx
from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware

from api.deps import ApiServices, FlowChecker, HealthCheck
from api.errors import install_error_handlers
from api.mcp_mount import mount_platform_mcp
from api.middleware import BodySizeLimit, JsonOnly, RequestLog
from api.ratelimit import CacheWindowLimiter, CounterCache, RateLimiter, TokenBucketLimiter
from api.routes import (
    agents,
    audit,
    credentials,
    events,
    executions,
    flow_versions,
    flows,
    functions,
    health,
    links,
    nodes,
    prompts,
    publish,
    tasks,
    triggers,
    webhook_calls,
    workspaces,
)
from api.routes.webhook_calls import WebhookFastPath
from deca.auth import HttpJwks, JwksProvider, LocalIssuer, StaticJwks, TokenVerifier
from deca.cache import Cache, RedisCache
from deca.clock import Clock, SystemClock
from deca.crypto import Envelope
from deca.errors import NotFoundError
from deca.flow import Flow
from deca.settings import Settings
from deca.stores import Stores
from deca.wiring import mongodb_uri, open_cache, open_envelope, open_stores
from statemachines.compiler import check_flow

__all__ = [
    "create_app",
    "default_envelope",
    "default_flow_checker",
    "default_jwks",
    "default_stores",
    "mongodb_uri",
]

_ROUTERS = (
    health.router,
    webhook_calls.router,  # early: matched on every public webhook call, before the other routers
    workspaces.router,
    flows.router,
    flow_versions.router,
    credentials.router,
    nodes.router,
    audit.router,
    publish.router,
    executions.router,
    triggers.router,
    links.router,
    events.router,
    tasks.router,
    agents.router,
    prompts.router,
    functions.router,
)


def default_stores(settings: Settings, cache: Cache | None = None) -> Stores:
    """The stores the settings name (MongoDB or the SQLite file; read through Redis when configured)."""
    return open_stores(settings, cache=cache)


def default_jwks(settings: Settings, clock: Clock) -> JwksProvider:
    """The issuer's JWKS over HTTPS when `auth_jwks_url` is set, else the local issuer's key."""
    if settings.auth_jwks_url:
        return HttpJwks(
            settings.auth_jwks_url, httpx.Client(), clock=clock, ttl_seconds=settings.jwks_cache_seconds
        )
    return StaticJwks(LocalIssuer.from_settings(settings).jwks())


def default_envelope(settings: Settings) -> Envelope:
    """Credential encryption under the KMS key when `kms_key_id` is set, else the local key file."""
    return open_envelope(settings)


def default_flow_checker(flow: Flow) -> None:
    """The compiler's checks (graph, templates, layout); `CompileErrors` lists every problem."""
    check_flow(flow)


def _store_probe(stores: Stores) -> HealthCheck:
    def probe() -> bool:
        with contextlib.suppress(NotFoundError):
            stores.workspaces.get("health-probe")
        return True

    return probe


def _cache_probe(cache: CounterCache) -> HealthCheck:
    def probe() -> bool:
        cache.incr("health:probe", ttl_seconds=60)
        return True

    return probe


def _default_limiter(settings: Settings, cache: CounterCache | None, clock: Clock) -> RateLimiter:
    """A window counter in the shared cache when there is one, else an in-process token bucket."""
    if cache is not None:
        return CacheWindowLimiter(cache, per_minute=settings.rate_limit_per_minute, clock=clock)
    return TokenBucketLimiter(
        per_minute=settings.rate_limit_per_minute, burst=settings.rate_limit_burst, clock=clock
    )


def _closing(stores: Stores) -> Callable[[FastAPI], AbstractAsyncContextManager[None]]:
    """A lifespan that closes stores the app opened itself when the server stops."""

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        try:
            yield
        finally:
            stores.close()

    return lifespan


def create_app(
    settings: Settings | None = None,
    stores: Stores | None = None,
    *,
    jwks: JwksProvider | None = None,
    envelope: Envelope | None = None,
    clock: Clock | None = None,
    cache: CounterCache | None = None,
    limiter: RateLimiter | None = None,
    check_flow: FlowChecker | None = None,
    health_checks: Mapping[str, HealthCheck] | None = None,
    raw_body_prefixes: Sequence[str] = ("/webhooks",),
) -> FastAPI:
    """The API app; anything not given is built from `settings` (by default read from `DECA_*`).

    Request bodies must be JSON except under `raw_body_prefixes` (webhook receivers take any body).
    """
    settings = settings or Settings.from_env()
    clock = clock or SystemClock()
    if cache is None and settings.cache_url:
        cache = open_cache(settings, clock=clock)
    owns_stores = stores is None
    stores = stores or default_stores(settings, cache if isinstance(cache, RedisCache) else None)
    if health_checks is None:
        health_checks = {"store": _store_probe(stores), **({"cache": _cache_probe(cache)} if cache else {})}
    services = ApiServices(
        settings=settings,
        stores=stores,
        verifier=TokenVerifier(
            jwks or default_jwks(settings, clock),
            issuer=settings.auth_issuer,
            audience=settings.auth_audience,
            clock=clock,
            leeway_seconds=settings.auth_leeway_seconds,
        ),
        envelope=envelope or default_envelope(settings),
        limiter=limiter or _default_limiter(settings, cache, clock),
        clock=clock,
        check_flow=check_flow or default_flow_checker,
        started_at=clock.now(),
        health_checks=dict(health_checks),
    )
    app = FastAPI(
        title="DECA AI Studio API",
        version=settings.version,
        description="Flows, versions, credentials, workspaces and audit of DECA AI Studio (see docs/api.md).",
        lifespan=_closing(stores) if owns_stores else None,
    )
    app.state.services = services
    install_error_handlers(app)
    app.add_middleware(WebhookFastPath)  # innermost: webhook calls skip the routing, not the checks above
    app.add_middleware(JsonOnly, exempt=tuple(raw_body_prefixes))
    app.add_middleware(BodySizeLimit, max_bytes=settings.max_body_bytes)
    app.add_middleware(RequestLog)  # added late: runs early, so refused requests are logged too
    if settings.cors_origins:  # outermost: error responses carry the CORS headers too
        app.add_middleware(
            CORSMiddleware,
            allow_origins=list(settings.cors_origins),
            allow_methods=["GET", "POST", "PUT", "PATCH", "DELETE"],
            allow_headers=["Authorization", "Content-Type"],
            expose_headers=["X-Request-ID", "Retry-After"],
            max_age=600,
        )
    for router in _ROUTERS:
        app.include_router(router)
    mount_platform_mcp(app, services)  # /mcp: the platform's MCP server, same tokens (not in OpenAPI)
    return app
