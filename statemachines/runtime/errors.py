"""Errors of the ASL runtime, named exactly as AWS Step Functions names them."""

from __future__ import annotations

from deca.errors import DecaError

__all__ = [
    "DefinitionError",
    "PathNotFound",
    "QueryEvaluationError",
    "RuntimeFailure",
    "StatesError",
    "TaskTimeout",
]


class StatesError(DecaError):
    """A runtime error with an ASL error name (`States.Runtime`, a Lambda errorType, ...) and a cause."""

    code = "states_error"

    def __init__(self, error: str | None, cause: str | None = None) -> None:
        super().__init__(f"{error}: {cause}" if cause else (error or "error"))
        self.error = error
        self.cause = cause
        # history event type recorded when this error is not retried (e.g. "MapStateFailed")
        self.fail_event: str | None = None


class RuntimeFailure(StatesError):
    """`States.Runtime`: fails the whole execution, is never retried nor caught (as on AWS)."""

    def __init__(self, cause: str) -> None:
        super().__init__("States.Runtime", cause)


class QueryEvaluationError(StatesError):
    """`States.QueryEvaluationError`: a JSONata or JSONPath evaluation failed inside a state."""

    def __init__(self, cause: str) -> None:
        super().__init__("States.QueryEvaluationError", cause)


class TaskTimeout(StatesError):
    """`States.Timeout` (or `States.HeartbeatTimeout`) of a Task; AWS reports an empty cause."""

    def __init__(self, error: str = "States.Timeout") -> None:
        super().__init__(error, "")


class PathNotFound(LookupError):
    """A JSONPath selected nothing in the document (callers turn it into the AWS message)."""

    def __init__(self, path: str, message: str | None = None) -> None:
        super().__init__(path)
        self.path = path
        # Jayway-style detail, e.g. "No results for path: $['a']" or "Missing property in path $['a']"
        self.message = message


class DefinitionError(DecaError):
    """A state machine definition is invalid; the message names the state and the field."""

    code = "invalid_definition"

    def __init__(self, message: str, *, state: str | None = None, field: str | None = None) -> None:
        super().__init__(message)
        self.state = state
        self.field = field
