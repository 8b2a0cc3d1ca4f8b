"""The public runtime: start, run, describe, stop, redrive, callbacks and resume from checkpoints."""

from __future__ import annotations

import json
import random
import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

from statemachines.runtime.checkpoint import CheckpointStore
from statemachines.runtime.clock import Clock, WallClock
from statemachines.runtime.errors import DefinitionError, StatesError
from statemachines.runtime.history import History
from statemachines.runtime.interpreter import (
    ABORTED,
    FAILED,
    RUNNING,
    TIMED_OUT,
    Interpreter,
    Listener,
    new_execution,
)
from statemachines.runtime.program import Program
from statemachines.runtime.resources import TaskRegistry
from statemachines.runtime.states.base import ENTER

__all__ = ["ExecutionResult", "Runtime", "compile_definition", "run_definition"]

DEFAULT_ROLE = "arn:aws:iam::{account}:role/TestStepFunctionsRole"

_PROGRAMS_MAX = 256
_programs_lock = threading.Lock()
_programs: OrderedDict[str, Program] = OrderedDict()  # compiled programs by definition text (see `compile`)


def compile_definition(definition: dict[str, Any] | str | Program) -> Program:
    """Validate and compile a definition (cached by its JSON text, shared by every runtime of the process:
    a program is immutable once built, and an engine that gives each execution its own runtime would
    otherwise compile the same definition once per execution). A `Program` is already compiled: an
    embedder that starts many executions of one definition keeps it and skips even the cache key."""
    if isinstance(definition, Program):
        return definition
    if isinstance(definition, str):
        key = definition
        try:
            parsed = json.loads(definition)
        except json.JSONDecodeError as exc:
            raise DefinitionError(f"the definition is not valid JSON: {exc.msg}") from None
    else:
        parsed = definition
        key = json.dumps(definition, sort_keys=True)
    with _programs_lock:
        program = _programs.get(key)
        if program is not None:
            _programs.move_to_end(key)
            return program
    program = Program(parsed)
    with _programs_lock:
        _programs[key] = program
        while len(_programs) > _PROGRAMS_MAX:
            _programs.popitem(last=False)
    return program


class ExecutionResult:
    """What `describe` returns: status, output or error and cause, and the history on demand."""

    __slots__ = (
        "_history",
        "cause",
        "error",
        "execution_arn",
        "name",
        "output",
        "start_time",
        "status",
        "stop_time",
    )

    def __init__(self, st: dict[str, Any], history: History) -> None:
        self.status: str = st["status"]
        self.output: Any = st["output"]
        self.error: str | None = st["error"]
        self.cause: str | None = st["cause"]
        self.execution_arn: str = st["execution_arn"]
        self.name: str = st["name"]
        self.start_time: float = st["start_time"]
        self.stop_time: float | None = st["stop_time"]
        self._history = history

    @property
    def history(self) -> list[dict[str, Any]]:
        """The execution history in AWS's GetExecutionHistory shape."""
        return self._history.materialize()

    def history_types(self) -> list[str]:
        """Just the event types, in order."""
        return self._history.types()

    def to_dict(self, *, history: bool = False) -> dict[str, Any]:
        """`{"status", "output"}` or `{"status", "error", "cause"}` (plus `"history"`)."""
        out: dict[str, Any] = {"status": self.status}
        if self.status == "SUCCEEDED":
            out["output"] = self.output
        elif self.status != RUNNING:
            out["error"] = self.error
            out["cause"] = self.cause
        if history:
            out["history"] = self.history
        return out

    def __repr__(self) -> str:
        return f"ExecutionResult(status={self.status!r}, output={self.output!r}, error={self.error!r})"


def _uuid() -> str:
    import uuid

    return str(uuid.uuid4())


class Runtime:
    """Runs state machine executions in-process, durably when given a checkpoint store."""

    def __init__(
        self,
        *,
        tasks: TaskRegistry | None = None,
        clock: Clock | None = None,
        store: CheckpointStore | None = None,
        ids: Callable[[], str] | None = None,
        rng: random.Random | None = None,
        listeners: list[Listener] | None = None,
        account: str = "111111111111",
        region: str = "us-east-1",
        role_arn: str | None = None,
        keep_succeeded: bool = True,
        checkpoint_replayable: bool = True,
    ) -> None:
        """`keep_succeeded=False`: an execution that succeeded is not saved again; the embedder, which records
        outcomes elsewhere, calls `discard(arn)` once it has recorded this one (it can then be neither
        resumed nor redriven). A crash before that leaves its last RUNNING checkpoint, which resumes.

        `checkpoint_replayable=False`: an execution of a replayable program (see `Program.replayable`) is
        not saved while it runs, only once it ended (unless `keep_succeeded` drops that too); an embedder
        that survives a crash by starting such an execution again from its input saves those writes."""
        self.tasks = tasks or TaskRegistry(account=account, region=region)
        self.keep_succeeded = keep_succeeded
        self.checkpoint_replayable = checkpoint_replayable
        self.clock: Clock = clock or WallClock()
        self.store = store
        self.ids = ids or _uuid
        self.rng = rng or random.Random()
        self.listeners: list[Listener] = list(listeners or [])
        self.account = account
        self.region = region
        self.role_arn = role_arn or DEFAULT_ROLE.format(account=account)
        self._executions: dict[str, Interpreter] = {}
        self._saved: dict[str, int] = {}
        self._stored: set[str] = set()  # executions saved by this runtime and not discarded since
        self._ended: set[str] = set()  # executions whose saved state is their end
        self._lock = threading.RLock()

    # ---- programs ------------------------------------------------------------------------------

    def compile(self, definition: dict[str, Any] | str | Program) -> Program:
        """Validate and compile a definition (see `compile_definition`)."""
        return compile_definition(definition)

    def _interpreter(self, program: Program, st: dict[str, Any]) -> Interpreter:
        hook = self._checkpoint if self.store is not None else None
        return Interpreter(
            program,
            st,
            tasks=self.tasks,
            clock=self.clock,
            ids=self.ids,
            rng=self.rng,
            listeners=self.listeners,
            checkpoint=hook,
        )

    def _checkpoint(self, interp: Interpreter) -> None:
        assert self.store is not None
        arn = interp.st["execution_arn"]
        status = interp.st["status"]
        if status == RUNNING and not self.checkpoint_replayable and interp.program.replayable:
            return
        if status == "SUCCEEDED" and not self.keep_succeeded:
            return  # the embedder discards it (`discard`) once the outcome is recorded
        saved = self._saved.get(arn, 0)
        if status != RUNNING and arn in self._ended and saved == len(interp.events):
            return  # the end is saved already: nothing changes after it
        self._stored.add(arn)
        if status != RUNNING:
            self._ended.add(arn)
        else:
            self._ended.discard(arn)  # a redrive runs it again
        self.store.save(arn, interp.snapshot(), interp.events[saved:], saved)
        self._saved[arn] = len(interp.events)

    # ---- executions ----------------------------------------------------------------------------

    def start(
        self,
        definition: dict[str, Any] | str | Program,
        input: Any = None,
        *,
        name: str | None = None,
        state_machine_name: str = "TestStateMachine",
        wait: bool = True,
    ) -> ExecutionResult:
        """Start an execution and run it until it ends or blocks; returns its description."""
        with self._lock:
            program = self.compile(definition)
            st = new_execution(
                program.definition,
                {} if input is None else input,
                name=name or self.ids(),
                state_machine_name=state_machine_name,
                account=self.account,
                region=self.region,
                role_arn=self.role_arn,
                start_time=self.clock.now(),
            )
            arn = st["execution_arn"]
            interp = self._interpreter(program, st)
            self._executions[arn] = interp
            self._saved[arn] = 0
            interp.start()
        return self._drive(interp, wait)

    def run(self, execution_arn: str, *, wait: bool = True) -> ExecutionResult:
        """Continue a RUNNING execution until it ends or blocks."""
        with self._lock:
            interp = self._get(execution_arn)
        return self._drive(interp, wait)

    def _drive(self, interp: Interpreter, wait: bool) -> ExecutionResult:
        """Run until the execution ends or blocks; sleeps on the clock without holding the lock,
        so other threads can complete task tokens or stop the execution meanwhile."""
        while True:
            with self._lock:
                interp.run(wait=False)
                when = interp.next_wake() if interp.status == RUNNING else None
                if not wait or when is None:
                    return ExecutionResult(interp.st, interp.history)
                interp.wakeup.clear()
            self.clock.sleep_until(when, interp.wakeup)

    def describe(self, execution_arn: str) -> ExecutionResult:
        """The execution's current status, output or error."""
        with self._lock:
            interp = self._get(execution_arn)
            deadline = interp.deadline
            if interp.status == RUNNING and deadline is not None and self.clock.now() >= deadline:
                interp.run(wait=False)  # applies the machine timeout
            return ExecutionResult(interp.st, interp.history)

    def history(self, execution_arn: str) -> list[dict[str, Any]]:
        """The execution's history events."""
        return self._get(execution_arn).history.materialize()

    def _get(self, execution_arn: str) -> Interpreter:
        interp = self._executions.get(execution_arn)
        if interp is None:
            resumed = self._load(execution_arn)
            if resumed is None:
                raise StatesError("ExecutionDoesNotExist", f"Execution does not exist: '{execution_arn}'")
            interp = resumed
        return interp

    def stop(
        self, execution_arn: str, *, error: str | None = None, cause: str | None = None
    ) -> ExecutionResult:
        """Abort a RUNNING execution."""
        with self._lock:
            interp = self._get(execution_arn)
            if interp.status == RUNNING:
                interp.finish_execution(ABORTED, error=error, cause=cause)
                interp.save()
            interp.wakeup.set()
            return ExecutionResult(interp.st, interp.history)

    def redrive(self, execution_arn: str, *, wait: bool = True) -> ExecutionResult:
        """Restart a FAILED, TIMED_OUT or ABORTED execution from the state that did not finish."""
        with self._lock:
            interp = self._get(execution_arn)
            st = interp.st
            if st["status"] not in (FAILED, TIMED_OUT, ABORTED):
                raise StatesError("ExecutionNotRedrivable", f"Execution is {st['status']}: '{execution_arn}'")
            root = next(f for f in interp.frames.values() if f["parent"] is None)
            for fid in [fid for fid in interp.frames if fid != root["id"]]:
                del interp.frames[fid]
            st.update(status=RUNNING, output=None, error=None, cause=None, stop_time=None)
            st["redrive_count"] += 1
            root.update(phase=ENTER, status=None, wake_at=None, ctx=None, redrive_from=root["state"])
            if interp.program.timeout is not None:
                interp.deadline = self.clock.now() + interp.program.timeout
            interp._add("ExecutionRedriven", {"redriveCount": st["redrive_count"]})
            interp.runnable.clear()
            interp.schedule(root)
            interp.save()
        return self._drive(interp, wait)

    # ---- callbacks -----------------------------------------------------------------------------

    def _token_frame(self, token: str) -> tuple[Interpreter, dict[str, Any]]:
        for interp in self._executions.values():
            fid = interp.tokens.get(token)
            if fid is not None and fid in interp.frames:
                return interp, interp.frames[fid]
        raise StatesError("TaskDoesNotExist", f"Task token does not exist or has completed: '{token}'")

    def _complete(self, token: str, outcome: dict[str, Any], wait: bool) -> ExecutionResult:
        with self._lock:
            interp, frame = self._token_frame(token)
            del interp.tokens[token]
            frame["ctx"]["outcome"] = outcome
            frame["phase"] = "callback"
            frame["wake_at"] = None
            interp.schedule(frame)
            interp.save()
            interp.wakeup.set()
        return self._drive(interp, wait)

    def send_task_success(self, token: str, output: Any, *, wait: bool = True) -> ExecutionResult:
        """Complete a `.waitForTaskToken` task with `output` (a JSON value, or JSON text as in the AWS
        API) and continue the execution."""
        if isinstance(output, str):
            try:
                output = json.loads(output)
            except json.JSONDecodeError as exc:
                raise StatesError("InvalidOutput", f"The output is not valid JSON: {exc.msg}") from None
        return self._complete(token, {"output": output}, wait)

    def send_task_failure(
        self, token: str, error: str | None = None, cause: str | None = None, *, wait: bool = True
    ) -> ExecutionResult:
        """Fail a `.waitForTaskToken` task and continue the execution (Retry/Catch apply)."""
        return self._complete(token, {"error": error, "cause": cause}, wait)

    def send_task_heartbeat(self, token: str) -> None:
        """Report that a `.waitForTaskToken` task is alive (restarts its HeartbeatSeconds)."""
        with self._lock:
            interp, frame = self._token_frame(token)
            ctx = frame["ctx"]
            if ctx.get("heartbeat") is not None:
                ctx["hb_deadline"] = self.clock.now() + ctx["heartbeat"]
                state = interp.state_of(frame)
                state.rearm(interp, frame)  # type: ignore[attr-defined]
                interp.save()
                interp.wakeup.set()

    def tokens(self, execution_arn: str) -> list[str]:
        """The task tokens an execution is waiting on."""
        return list(self._get(execution_arn).tokens)

    # ---- durability ----------------------------------------------------------------------------

    def _load(self, execution_arn: str) -> Interpreter | None:
        if self.store is None:
            return None
        loaded = self.store.load(execution_arn)
        if loaded is None:
            return None
        st, events = loaded
        st["events"] = events
        program = self.compile(st["definition"])
        interp = self._interpreter(program, st)
        self._executions[execution_arn] = interp
        self._saved[execution_arn] = len(events)
        self._stored.add(execution_arn)  # saved by an earlier runtime: `discard` removes it like ours
        return interp

    def discard(self, execution_arn: str) -> None:
        """Remove an execution's checkpoints (if it was saved) and forget it: it can no longer be resumed."""
        with self._lock:
            self._executions.pop(execution_arn, None)
            self._saved.pop(execution_arn, None)
            self._ended.discard(execution_arn)
            if execution_arn in self._stored and self.store is not None:
                self._stored.discard(execution_arn)
                self.store.discard(execution_arn)

    def resume(self, execution_arn: str, *, wait: bool = True) -> ExecutionResult:
        """Load an execution from the checkpoint store and continue it."""
        with self._lock:
            self._executions.pop(execution_arn, None)
            interp = self._load(execution_arn)
            if interp is None:
                raise StatesError("ExecutionDoesNotExist", f"Execution does not exist: '{execution_arn}'")
        return self._drive(interp, wait)

    def resume_all(self, *, wait: bool = True) -> list[ExecutionResult]:
        """Resume every execution the store holds as RUNNING."""
        if self.store is None:
            return []
        return [self.resume(arn, wait=wait) for arn in self.store.running()]


def run_definition(
    definition: dict[str, Any] | str,
    input: Any = None,
    *,
    tasks: TaskRegistry | None = None,
    clock: Clock | None = None,
    name: str = "TestExecution",
    state_machine_name: str = "TestStateMachine",
    store: CheckpointStore | None = None,
    ids: Callable[[], str] | None = None,
    rng: random.Random | None = None,
    listeners: list[Listener] | None = None,
    wait: bool = True,
) -> ExecutionResult:
    """Run one execution of `definition` to its end (or until it blocks on a task token)."""
    runtime = Runtime(tasks=tasks, clock=clock, store=store, ids=ids, rng=rng, listeners=listeners)
    return runtime.start(definition, input, name=name, state_machine_name=state_machine_name, wait=wait)
