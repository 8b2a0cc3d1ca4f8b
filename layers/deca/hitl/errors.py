"""Errors of human tasks (approval and form requests); each class name is an ASL error name a flow can Catch."""

from __future__ import annotations

from deca.auth.errors import PermissionDeniedError
from deca.errors import ConflictError, DecaError, InputError

__all__ = [
    "ApprovalRejected",
    "FormInvalid",
    "LinkExpired",
    "LinkInvalid",
    "LinkUsed",
    "NotAssignee",
    "RequestClosed",
]


class ApprovalRejected(DecaError):
    """An approval node with `on_reject: fail` was rejected: the node fails with this error (Catch it)."""

    code = "approval_rejected"


class FormInvalid(InputError):
    """Submitted form data does not fit the form's JSON Schema; `path` names the field (`data.score`)."""

    code = "form_invalid"

    def __init__(self, message: str, *, path: str = "data") -> None:
        super().__init__(message)
        self.path = path


class RequestClosed(ConflictError):
    """The request was decided, submitted, expired or cancelled already: it takes no more answers."""

    def __init__(self, request_id: str, status: str) -> None:
        super().__init__(
            f"human task {request_id!r} is {status}: it takes no more answers",
            resource="human_task",
            resource_id=request_id,
        )
        self.status = status


class NotAssignee(PermissionDeniedError):
    """The person answering is not one of the request's assignees (nor holds an assigned role)."""

    code = "not_assignee"


class LinkInvalid(InputError):
    """A signed link is malformed, tampered with, or for another action (the caller's mistake: 4xx)."""

    code = "link_invalid"


class LinkExpired(LinkInvalid):
    """A signed link is past its expiry time."""

    code = "link_expired"


class LinkUsed(LinkInvalid):
    """A signed link was used already (links are single use)."""

    code = "link_used"
