"""The human task service the answer routes use: `app.state.human_tasks` (set by `deca dev` or an embedder).

An app built without one gets, on first use, the service over the configured store (beside the app's
stores: MongoDB when configured, else the data directory's SQLite file) answering through the app's engine.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, Request

from api.deps import ServicesDep, built_once
from api.routes.engine_deps import EngineDep
from deca.hitl.service import HumanTaskService

__all__ = ["HumanTasksDep", "get_human_tasks"]


def _mongo_client(services: ServicesDep) -> Any:
    """A client of the configured MongoDB (its URI, or the one in its secret), or None locally."""
    settings = services.settings
    if not (settings.mongodb_uri or settings.mongodb_secret_arn):
        return None
    from deca.wiring import mongodb_uri

    uri = mongodb_uri(settings)
    if not uri:
        return None
    from pymongo import MongoClient

    return MongoClient(uri)


def get_human_tasks(request: Request, services: ServicesDep, engine: EngineDep) -> HumanTaskService:
    """The app's human task service, built once (its callbacks are the app's engine)."""

    def build() -> HumanTaskService:
        from deca.hitl.setup import human_task_service

        return human_task_service(
            services.settings, mongo_client=_mongo_client(services), callbacks=engine, clock=services.clock
        )

    return built_once(request.app.state, "human_tasks", build)


HumanTasksDep = Annotated[HumanTaskService, Depends(get_human_tasks)]
