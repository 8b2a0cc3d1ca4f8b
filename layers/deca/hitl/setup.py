"""Builds the human task service from settings: the store beside the other stores, the link key, the notifier.

The notifier comes from `DECA_HITL_NOTIFIER`: `log` (the default) logs notifications, `ses` emails them
from `DECA_HITL_EMAIL_SENDER`, `slack` posts them to `DECA_HITL_SLACK_CHANNEL` with the workspace's Slack
credential `DECA_HITL_SLACK_CREDENTIAL`. Links in notifications are `DECA_HITL_LINK_BASE_URL` + token
(default `http://localhost:8080/links/`, the local studio).
"""

from __future__ import annotations

import base64
import os
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from deca.errors import InputError
from deca.hitl.links import LinkSigner, link_key_file, load_or_create_link_key
from deca.hitl.notifiers import LoggingNotifier, SesNotifier, SlackNotifier
from deca.hitl.service import HumanTaskService, Notifier
from deca.hitl.store import HumanTaskStore, mongo_human_tasks, sqlite_human_tasks

if TYPE_CHECKING:
    from fastapi import FastAPI

    from deca.clock import Clock
    from deca.hitl.callbacks import TaskCallbacks
    from deca.nodes.context import NodeContext
    from deca.settings import Settings

__all__ = [
    "LINK_KEY_SECRET_VARIABLE",
    "LINK_KEY_VARIABLE",
    "attach_human_tasks",
    "human_task_service",
    "human_task_store",
    "link_key",
    "notifier_from_environment",
]

DEFAULT_LINK_BASE_URL = "http://localhost:8080/links/"

LINK_KEY_VARIABLE = "DECA_HITL_LINK_KEY"
"""Base64 of the link signing key; unset: the secret below, else the local key file."""
LINK_KEY_SECRET_VARIABLE = "DECA_HITL_LINK_KEY_SECRET_ARN"
"""The Secrets Manager secret whose value is the key (the CDK creates it with a random value)."""


def link_key(
    settings: Settings, environ: Mapping[str, str] | None = None, *, secrets_client: Any = None
) -> bytes:
    """The link signing key: `DECA_HITL_LINK_KEY` (base64), the secret `DECA_HITL_LINK_KEY_SECRET_ARN`
    names (deployed: every function signs and verifies with the same key), or the local key file."""
    env = os.environ if environ is None else environ
    encoded = env.get(LINK_KEY_VARIABLE)
    if encoded:
        return base64.b64decode(encoded)
    secret_arn = env.get(LINK_KEY_SECRET_VARIABLE)
    if secret_arn:
        if secrets_client is None:
            import boto3

            secrets_client = boto3.client("secretsmanager")
        value = str(secrets_client.get_secret_value(SecretId=secret_arn)["SecretString"]).strip()
        if len(value) < 16:
            raise InputError(f"the link key secret {secret_arn} holds fewer than 16 characters")
        return value.encode()
    return load_or_create_link_key(link_key_file(settings))


def human_task_store(settings: Settings, mongo_client: Any = None) -> HumanTaskStore:
    """MongoDB when a client is given (of `mongodb_uri` or the secret's URI), else the local SQLite file."""
    if mongo_client is not None:
        return mongo_human_tasks(mongo_client[settings.mongodb_database])
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    return sqlite_human_tasks(settings.sqlite_path)


def _node_context(workspace_id: str) -> NodeContext:
    """A context for the Slack integration: the process's stores, credentials and guarded HTTP client."""
    from deca import wiring
    from deca.clock import SystemClock
    from deca.nodes.context import NodeContext

    return NodeContext(
        workspace_id=workspace_id,
        stores=wiring.stores(),
        clock=SystemClock(),
        secrets=wiring.secrets(),
        http_client=wiring.outbound_http,
    )


def notifier_from_environment(
    environ: Mapping[str, str] | None = None,
    *,
    ses_client: Any = None,
    slack_context: Callable[[str], NodeContext] | None = None,
) -> Notifier:
    """The notifier `DECA_HITL_NOTIFIER` names (see the module); `InputError` when its settings are missing."""
    env = os.environ if environ is None else environ
    kind = env.get("DECA_HITL_NOTIFIER", "log").strip().lower() or "log"
    base = env.get("DECA_HITL_LINK_BASE_URL") or DEFAULT_LINK_BASE_URL
    if kind == "log":
        return LoggingNotifier(base)
    if kind == "ses":
        sender = env.get("DECA_HITL_EMAIL_SENDER")
        if not sender:
            raise InputError("DECA_HITL_NOTIFIER=ses needs DECA_HITL_EMAIL_SENDER (a verified SES identity)")
        if ses_client is None:
            import boto3

            ses_client = boto3.client("ses")
        return SesNotifier(ses_client, sender, base)
    if kind == "slack":
        credential, channel = env.get("DECA_HITL_SLACK_CREDENTIAL"), env.get("DECA_HITL_SLACK_CHANNEL")
        if not credential or not channel:
            raise InputError(
                "DECA_HITL_NOTIFIER=slack needs DECA_HITL_SLACK_CREDENTIAL and DECA_HITL_SLACK_CHANNEL"
            )
        return SlackNotifier(slack_context or _node_context, credential, channel, base)
    raise InputError(f"DECA_HITL_NOTIFIER must be log, ses or slack, not {kind!r}")


def human_task_service(
    settings: Settings,
    *,
    mongo_client: Any = None,
    callbacks: TaskCallbacks | None = None,
    clock: Clock | None = None,
    environ: Mapping[str, str] | None = None,
) -> HumanTaskService:
    """The service over the configured store, notifying as configured; `callbacks` (an engine) is needed
    to take answers."""
    from deca.clock import SystemClock

    chosen = clock or SystemClock()
    return HumanTaskService(
        human_task_store(settings, mongo_client),
        callbacks,
        clock=chosen,
        signer=LinkSigner(link_key(settings, environ), chosen),
        notifier=notifier_from_environment(environ),
    )


def attach_human_tasks(app: FastAPI, service: HumanTaskService) -> HumanTaskService:
    """`deca dev`: the studio's service (its callbacks: the studio's engine) on `app.state.human_tasks` for
    the answer and link routes, swept every minute while the app runs."""
    from deca.hitl.sweeper import attach_sweep_loop

    app.state.human_tasks = service
    attach_sweep_loop(app, service)
    return service
