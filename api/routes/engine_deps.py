"""The execution engine the routes use: `app.state.engine` (set by `deca dev` or an embedder).

An app built without one gets `engine_from_environment` on first use: Step Functions when the CDK set
`DECA_STEPFUNCTIONS_ROLE_ARN`, else a local engine over the app's stores (checkpoints in memory).
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, Request

from api.deps import ApiServices, ServicesDep, built_once
from deca.engines import ExecutionEngine

__all__ = ["EngineDep", "engine_of", "get_engine"]


def engine_of(state: Any, services: ApiServices) -> ExecutionEngine:
    """The engine on an app's `state` (built from the environment over the app's stores on first use)."""

    def build() -> ExecutionEngine:
        from deca.engines.wiring import engine_from_environment

        return engine_from_environment(services.stores)

    return built_once(state, "engine", build)


async def get_engine(request: Request, services: ServicesDep) -> ExecutionEngine:
    """The app's engine (a local one over the app's stores unless one was set on `app.state.engine`).

    Async so FastAPI runs it inline on every request; building the fallback engine happens once.
    """
    return engine_of(request.app.state, services)


EngineDep = Annotated[ExecutionEngine, Depends(get_engine)]
