"""Human in the loop: approval and form requests for paused callback steps (see docs/human-in-the-loop.md)."""

from __future__ import annotations

from deca.hitl.callbacks import RuntimeCallbacks, TaskCallbacks
from deca.hitl.errors import (
    ApprovalRejected,
    FormInvalid,
    LinkExpired,
    LinkInvalid,
    LinkUsed,
    NotAssignee,
    RequestClosed,
)
from deca.hitl.forms import form_schema, validate_form_data
from deca.hitl.links import LinkClaims, LinkSigner, link_key_file, load_or_create_link_key
from deca.hitl.models import Decision, HumanTask, HumanTaskReceipt, request_id_for
from deca.hitl.nodes import request_for_pending
from deca.hitl.service import CallbacksMissing, HumanTaskService, Notifier
from deca.hitl.store import HumanTaskStore, memory_human_tasks, mongo_human_tasks, sqlite_human_tasks

__all__ = [
    "ApprovalRejected",
    "CallbacksMissing",
    "Decision",
    "FormInvalid",
    "HumanTask",
    "HumanTaskReceipt",
    "HumanTaskService",
    "HumanTaskStore",
    "LinkClaims",
    "LinkExpired",
    "LinkInvalid",
    "LinkSigner",
    "LinkUsed",
    "NotAssignee",
    "Notifier",
    "RequestClosed",
    "RuntimeCallbacks",
    "TaskCallbacks",
    "form_schema",
    "link_key_file",
    "load_or_create_link_key",
    "memory_human_tasks",
    "mongo_human_tasks",
    "request_for_pending",
    "request_id_for",
    "sqlite_human_tasks",
    "validate_form_data",
]
