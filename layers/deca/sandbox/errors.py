"""Outcomes of a sandboxed run that a flow can catch: the class name is the ASL error name."""

from __future__ import annotations

from deca.errors import DecaError

__all__ = [
    "CodeError",
    "CodeOutputTooLarge",
    "CodeResourceLimit",
    "CodeRunError",
    "CodeSandboxViolation",
    "CodeTimeout",
    "CodeValidationError",
    "SandboxError",
]


class CodeRunError(DecaError):
    """Base of the outcomes caused by the user's code; carries its captured logs and the active layers."""

    code = "code_run_error"

    def __init__(self, message: str, *, logs: str = "", layers: tuple[str, ...] = ()) -> None:
        super().__init__(message)
        self.logs = logs
        self.layers = layers


class CodeError(CodeRunError):
    """The user's code raised (or threw) an exception: its type name, message and line."""

    code = "code_error"

    def __init__(
        self,
        message: str,
        *,
        exc_type: str,
        line: int | None = None,
        logs: str = "",
        layers: tuple[str, ...] = (),
    ) -> None:
        where = f" (line {line})" if line is not None else ""
        super().__init__(f"{exc_type}: {message}{where}", logs=logs, layers=layers)
        self.exc_type = exc_type
        self.error_message = message
        self.line = line


class CodeTimeout(CodeRunError):
    """The code ran longer than its timeout (wall clock or CPU time) and was stopped."""

    code = "code_timeout"


class CodeResourceLimit(CodeRunError):
    """The code hit a resource limit: memory, file size, input size, or it was killed by one."""

    code = "code_resource_limit"

    def __init__(self, message: str, *, resource: str, logs: str = "", layers: tuple[str, ...] = ()) -> None:
        super().__init__(message, logs=logs, layers=layers)
        self.resource = resource


class CodeOutputTooLarge(CodeRunError):
    """The result or the raw output of the code is larger than the configured cap."""

    code = "code_output_too_large"


class CodeSandboxViolation(CodeRunError):
    """The code used something the sandbox forbids (an import, a dunder attribute, eval, a syscall)."""

    code = "code_sandbox_violation"

    def __init__(
        self, message: str, *, line: int | None = None, logs: str = "", layers: tuple[str, ...] = ()
    ) -> None:
        super().__init__(message, logs=logs, layers=layers)
        self.line = line


class CodeValidationError(CodeRunError):
    """The input or the result does not satisfy the function's declared JSON Schema."""

    code = "code_validation_error"

    def __init__(self, message: str, *, stage: str, errors: list[str], logs: str = "") -> None:
        super().__init__(message, logs=logs)
        self.stage = stage
        self.errors = errors


class SandboxError(DecaError):
    """The runner itself failed (it could not start or answer), not the user's code."""

    code = "sandbox_error"
    retryable = True
