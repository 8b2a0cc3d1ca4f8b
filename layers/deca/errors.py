"""The one hierarchy of errors raised on purpose by DECA code.

A class name raised from a node handler is its ASL error name: never rename a public class.
"""

from __future__ import annotations

__all__ = [
    "CompileError",
    "CompileErrors",
    "ConflictError",
    "DecaError",
    "InputError",
    "NotFoundError",
]


class DecaError(Exception):
    """Base of every error DECA raises on purpose."""

    code: str = "error"
    retryable: bool = False

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class InputError(DecaError):
    """The caller gave something unusable (a missing file, malformed JSON, a bad option)."""

    code = "invalid_input"


class CompileError(DecaError):
    """One problem found while validating or compiling a flow, tied to a node and a position."""

    code = "compile_error"

    def __init__(self, message: str, *, node_id: str | None = None, position: str | None = None) -> None:
        super().__init__(message)
        self.node_id = node_id
        self.position = position

    def render(self) -> str:
        """One readable line: `node 'x' at nodes[2].config.prompt: message`."""
        where = []
        if self.node_id is not None:
            where.append(f"node '{self.node_id}'")
        if self.position:
            where.append(f"at {self.position}")
        return f"{' '.join(where)}: {self.message}" if where else self.message


class CompileErrors(DecaError):
    """Every problem of a flow at once (validation and compilation report all, not the first)."""

    code = "compile_errors"

    def __init__(self, errors: list[CompileError]) -> None:
        super().__init__("\n".join(e.render() for e in errors))
        self.errors = errors


class NotFoundError(DecaError):
    """A record does not exist in the caller's workspace (another workspace's record is not found too)."""

    code = "not_found"

    def __init__(self, message: str, *, resource: str, resource_id: str) -> None:
        super().__init__(message)
        self.resource = resource
        self.resource_id = resource_id


class ConflictError(DecaError):
    """A write collides with existing state (a duplicate id or version, a stale expected version)."""

    code = "conflict"

    def __init__(self, message: str, *, resource: str, resource_id: str) -> None:
        super().__init__(message)
        self.resource = resource
        self.resource_id = resource_id
