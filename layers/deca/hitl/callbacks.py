"""The engine callback port a human task answers through, and its adapter over a bare ASL `Runtime`.

`deca.engines.ExecutionEngine` (local or Step Functions) already has this shape, so the service takes an
engine as is; tests and `deca run` hand it `RuntimeCallbacks` over the in-process runtime.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from statemachines.runtime import Runtime

__all__ = ["RuntimeCallbacks", "TaskCallbacks"]


class TaskCallbacks(Protocol):
    """Completes a paused callback step by its task token (an `ExecutionEngine` is one)."""

    def send_task_success(self, workspace_id: str, task_token: str, output: Any) -> None:
        """Answer the paused step with its output; raises `NotFoundError` if nothing waits on the token."""
        ...

    def send_task_failure(self, workspace_id: str, task_token: str, *, error: str, cause: str = "") -> None:
        """Fail the paused step (its Retry/Catch apply); raises `NotFoundError` if nothing waits."""
        ...


@dataclass
class RuntimeCallbacks:
    """`TaskCallbacks` over an in-process `statemachines.runtime.Runtime` (one workspace per runtime)."""

    runtime: Runtime
    # False: run the execution on until it blocks and return. True would also sleep through later waits
    # (a following approval's timeout is a wake-up time), holding the caller for as long.
    wait: bool = False

    def send_task_success(self, workspace_id: str, task_token: str, output: Any) -> None:
        """Complete the token's task; the execution runs on until it ends or blocks again."""
        from statemachines.runtime import StatesError

        try:
            self.runtime.send_task_success(task_token, output, wait=self.wait)
        except StatesError as exc:
            raise _not_found(task_token) from exc

    def send_task_failure(self, workspace_id: str, task_token: str, *, error: str, cause: str = "") -> None:
        """Fail the token's task with `error` and `cause`."""
        from statemachines.runtime import StatesError

        try:
            self.runtime.send_task_failure(task_token, error, cause, wait=self.wait)
        except StatesError as exc:
            raise _not_found(task_token) from exc


def _not_found(task_token: str) -> Exception:
    from deca.errors import NotFoundError

    return NotFoundError(
        "no paused step waits on this task token (answered already, or unknown)",
        resource="task",
        resource_id=task_token[:16],
    )
