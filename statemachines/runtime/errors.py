"""Errors of the ASL runtime, named exactly as AWS Step Functions names them."""

from __future__ import annotations

from deca.errors import DecaError

__all__ = ["DefinitionError", "PathNotFound", "StatesError"]


class StatesError(DecaError):
    """A runtime error with an ASL error name (`States.Runtime`, a Lambda errorType, ...) and a cause."""

    code = "states_error"

    def __init__(self, error: str, cause: str | None = None) -> None:
        super().__init__(f"{error}: {cause}" if cause else error)
        self.error = error
        self.cause = cause


class PathNotFound(LookupError):
    """A JSONPath selected nothing in the document (callers turn it into the AWS message)."""

    def __init__(self, path: str) -> None:
        super().__init__(path)
        self.path = path


class DefinitionError(DecaError):
    """A state machine definition is invalid; the message names the state and the field."""

    code = "invalid_definition"

    def __init__(self, message: str, *, state: str | None = None, field: str | None = None) -> None:
        super().__init__(message)
        self.state = state
        self.field = field
