"""Builds the human task service from settings: the store beside the other stores, the link key."""

from __future__ import annotations

import base64
import os
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from deca.hitl.links import LinkSigner, link_key_file, load_or_create_link_key
from deca.hitl.service import HumanTaskService
from deca.hitl.store import HumanTaskStore, mongo_human_tasks, sqlite_human_tasks

if TYPE_CHECKING:
    from fastapi import FastAPI

    from deca.clock import Clock
    from deca.hitl.callbacks import TaskCallbacks
    from deca.settings import Settings

__all__ = ["LINK_KEY_VARIABLE", "attach_human_tasks", "human_task_service", "human_task_store", "link_key"]

LINK_KEY_VARIABLE = "DECA_HITL_LINK_KEY"
"""Base64 of the link signing key (deployed: from Secrets Manager); unset: the local key file."""


def link_key(settings: Settings, environ: Mapping[str, str] | None = None) -> bytes:
    """The link signing key: `DECA_HITL_LINK_KEY` (base64) or the local data dir's key file."""
    env = os.environ if environ is None else environ
    encoded = env.get(LINK_KEY_VARIABLE)
    if encoded:
        return base64.b64decode(encoded)
    return load_or_create_link_key(link_key_file(settings))


def human_task_store(settings: Settings, mongo_client: Any = None) -> HumanTaskStore:
    """MongoDB when a client is given (of `mongodb_uri` or the secret's URI), else the local SQLite file."""
    if mongo_client is not None:
        return mongo_human_tasks(mongo_client[settings.mongodb_database])
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    return sqlite_human_tasks(settings.sqlite_path)


def human_task_service(
    settings: Settings,
    *,
    mongo_client: Any = None,
    callbacks: TaskCallbacks | None = None,
    clock: Clock | None = None,
    environ: Mapping[str, str] | None = None,
) -> HumanTaskService:
    """The service over the configured store; `callbacks` (an engine) is needed to take answers."""
    from deca.clock import SystemClock

    chosen = clock or SystemClock()
    return HumanTaskService(
        human_task_store(settings, mongo_client),
        callbacks,
        clock=chosen,
        signer=LinkSigner(link_key(settings, environ), chosen),
    )


def attach_human_tasks(app: FastAPI, settings: Settings, callbacks: TaskCallbacks) -> HumanTaskService:
    """`deca dev`: the studio's service (answers resume `callbacks`, its engine) on `app.state.human_tasks`
    for the answer and link routes, swept every minute while the app runs."""
    from deca.hitl.sweeper import attach_sweep_loop

    service = human_task_service(settings, callbacks=callbacks)
    app.state.human_tasks = service
    attach_sweep_loop(app, service)
    return service
