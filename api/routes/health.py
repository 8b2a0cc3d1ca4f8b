"""GET /health: liveness and the state of each dependency (public, no token)."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Response
from pydantic import BaseModel, Field

from api.deps import ServicesDep
from deca.stores.models import UtcDatetime

__all__ = ["HealthReport", "router"]

router = APIRouter(tags=["health"])


class HealthReport(BaseModel):
    """The architecture document's health body."""

    status: Literal["healthy", "degraded"]
    timestamp: UtcDatetime
    version: str
    dependencies: dict[str, Literal["healthy", "unhealthy"]] = Field(description="State of each dependency")
    uptime: int = Field(description="Seconds since the app started")


@router.get(
    "/health",
    response_model=HealthReport,
    responses={503: {"model": HealthReport, "description": "A dependency is unhealthy"}},
)
def health(services: ServicesDep, response: Response) -> HealthReport:
    """Report liveness, version, uptime and each dependency's state (503 when one is unhealthy)."""
    now = services.clock.now()
    dependencies: dict[str, Literal["healthy", "unhealthy"]] = {}
    for name, check in sorted(services.health_checks.items()):
        try:
            healthy = check()
        except Exception:  # a probe failing in any way means that dependency is down, not the API
            healthy = False
        dependencies[name] = "healthy" if healthy else "unhealthy"
    degraded = any(state != "healthy" for state in dependencies.values())
    if degraded:
        response.status_code = 503
    return HealthReport(
        status="degraded" if degraded else "healthy",
        timestamp=now,
        version=services.settings.version,
        dependencies=dependencies,
        uptime=max(0, int((now - services.started_at).total_seconds())),
    )
