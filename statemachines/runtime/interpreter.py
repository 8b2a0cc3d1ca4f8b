"""The interpreter: steps an explicit, JSON-serialisable execution state.

No Python call stack holds an execution: the state is a set of frames (the machine, and one per
Map iteration or Parallel branch), a run queue, timers and task tokens, all plain data in
`Interpreter.st`. A frame runs until it blocks (Wait, retry delay, task token, children) or
ends; blocked frames are resumed by timers or callbacks. Each transition into a state that acts or waits is
checkpointed (runs of pure Pass and Choice states replay the same after a crash).
"""

from __future__ import annotations

import heapq
import random
import threading
from collections import deque
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

from statemachines.runtime.clock import Clock
from statemachines.runtime.errors import (
    QueryEvaluationError,
    RuntimeFailure,
    StatesError,
)
from statemachines.runtime.history import History
from statemachines.runtime.program import Program
from statemachines.runtime.resources import TaskRegistry
from statemachines.runtime.scope import DataAccess
from statemachines.runtime.states.base import ENTER, Frame, State
from statemachines.runtime.taskpool import TaskPool

__all__ = [
    "ABORTED",
    "FAILED",
    "RUNNING",
    "SUCCEEDED",
    "TIMED_OUT",
    "Interpreter",
    "Listener",
    "new_execution",
]

RUNNING, SUCCEEDED, FAILED, TIMED_OUT, ABORTED = "RUNNING", "SUCCEEDED", "FAILED", "TIMED_OUT", "ABORTED"
Listener = Callable[[str, dict[str, Any]], None]
_NOTHING = object()
_PREFIX = "An error occurred while executing the state"


def new_execution(
    definition: dict[str, Any],
    execution_input: Any,
    *,
    name: str,
    state_machine_name: str,
    account: str,
    region: str,
    role_arn: str,
    start_time: float,
) -> dict[str, Any]:
    """The initial execution state (plain JSON data)."""
    sm_arn = f"arn:aws:states:{region}:{account}:stateMachine:{state_machine_name}"
    return {
        "definition": definition,
        "name": name,
        "state_machine_name": state_machine_name,
        "state_machine_arn": sm_arn,
        "execution_arn": f"arn:aws:states:{region}:{account}:execution:{state_machine_name}:{name}",
        "role_arn": role_arn,
        "input": execution_input,
        "start_time": start_time,
        "stop_time": None,
        "status": RUNNING,
        "output": None,
        "error": None,
        "cause": None,
        "redrive_count": 0,
        "next_frame": 0,
        "frames": {},
        "runnable": [],
        "tokens": {},
        "events": [],
        "started": False,
    }


class Interpreter(DataAccess, TaskPool):
    """Runs one execution of a compiled program."""

    def __init__(
        self,
        program: Program,
        st: dict[str, Any],
        *,
        tasks: TaskRegistry,
        clock: Clock,
        ids: Callable[[], str],
        rng: random.Random,
        listeners: list[Listener] | None = None,
        checkpoint: Callable[[Interpreter], None] | None = None,
    ) -> None:
        self.program = program
        self.st = st
        self.tasks = tasks
        self.clock = clock
        self._now = clock.now
        self.ids = ids
        self.rng = rng
        self.listeners = listeners or []
        self.checkpoint_hook = checkpoint
        self.frames: dict[str, Frame] = st["frames"]
        self.events: list[list[Any]] = st["events"]
        self.history = History(self.events)
        self.runnable: deque[str] = deque(st["runnable"])
        self.tokens: dict[str, str] = st["tokens"]
        self.timers: list[tuple[float, str]] = [
            (f["wake_at"], fid) for fid, f in self.frames.items() if f.get("wake_at") is not None
        ]
        heapq.heapify(self.timers)
        # handlers running on the thread pool (not part of the durable state: a resumed execution
        # runs such a task again)
        self.inflight: dict[str, tuple[Future[Any], float | None]] = {}
        self.outcomes: dict[str, tuple[bool, Any]] = {}
        self._pool: ThreadPoolExecutor | None = None
        self.wakeup = threading.Event()
        for fid, f in self.frames.items():
            if f["phase"] == "task_running":  # its handler's thread died with the previous process
                f["phase"] = "retry"
                self.runnable.append(fid)
            elif f["phase"] == "task_done" and fid not in self.outcomes:  # the outcome was lost too
                f["phase"] = "retry"
        self.cur_frame: Frame = {}
        self.map_item: dict[str, Any] | None = None
        self._exec_ctx: dict[str, Any] | None = None
        self._jsonata_cache: dict[int, tuple[Any, Any]] = {}
        timeout = program.timeout
        self.deadline: float | None = st["start_time"] + timeout if timeout is not None else None

    # ---- lifecycle -----------------------------------------------------------------------------

    @property
    def status(self) -> str:
        """RUNNING, SUCCEEDED, FAILED, TIMED_OUT or ABORTED."""
        return str(self.st["status"])

    def start(self) -> None:
        """Record ExecutionStarted and queue the machine's first state."""
        st = self.st
        st["started"] = True
        self._add(
            "ExecutionStarted",
            {"input": st["input"], "roleArn": st["role_arn"], "stateMachineArn": st["state_machine_arn"]},
        )
        root = self.new_frame(None, "", self.program.root.start_at, st["input"], {})
        self.schedule(root)
        self.save()

    def run(self, *, wait: bool = True) -> str:
        """Run until the execution ends or blocks: on task tokens, and (unless `wait`) on timers.

        With `wait`, sleeps on the clock until the next timer; the sleep ends early when
        `wakeup` is set (another thread completed a task token or stopped the execution).
        """
        st = self.st
        runnable = self.runnable
        frames = self.frames
        while st["status"] == RUNNING:
            deadline = self.deadline
            if deadline is not None and self.clock.now() >= deadline:
                self.time_out()
                break
            if runnable:
                frame = frames.get(runnable.popleft())
                if frame is not None and frame["phase"] != "done":
                    self.run_frame(frame)
                continue
            if self.inflight and self._collect():
                continue
            when = self.next_wake()
            if when is None:
                break
            if when > self.clock.now():
                if not wait:
                    break
                self.wakeup.clear()
                self.clock.sleep_until(when, self.wakeup)
                continue  # woken by the clock, a pooled handler ending or another thread
            _, fid = heapq.heappop(self.timers)
            frames[fid]["wake_at"] = None
            runnable.append(fid)
        self.save()
        return str(st["status"])

    def next_wake(self) -> float | None:
        """When the execution next needs to run: its earliest timer or its deadline (None: never)."""
        timers, frames = self.timers, self.frames
        while timers:
            when, fid = timers[0]
            frame = frames.get(fid)
            if frame is not None and frame.get("wake_at") == when:
                break
            heapq.heappop(timers)
        if not timers:
            return None  # only task tokens remain: the deadline is checked on the next interaction
        if self.deadline is not None:
            return min(timers[0][0], self.deadline)
        return timers[0][0]

    def run_frame(self, frame: Frame) -> None:
        """Run one frame's states until it blocks or finishes."""
        self.cur_frame = frame
        states = self.program.branches[frame["branch"]].states
        hook = self.checkpoint_hook
        st = self.st
        while True:
            state = states[frame["state"]]
            try:
                nxt = state.run(self, frame)
            except StatesError as err:
                nxt = self.handle_error(frame, state, err)
            if nxt is None or st["status"] != RUNNING:
                break
            frame["state"] = nxt
            frame["phase"] = ENTER
            # Checkpoint before a state that acts or waits; pure states (Pass, Choice) replay the same after
            # a crash, so a run of them is saved once, before whatever follows it. The frame is saved as
            # runnable (it goes on at once), so an execution resumed from this checkpoint runs it.
            if hook is not None and not states[nxt].pure:
                self.runnable.appendleft(frame["id"])
                try:
                    hook(self)
                finally:
                    self.runnable.popleft()
        if hook is not None:
            hook(self)

    def save(self) -> None:
        """Checkpoint now (when a store is configured)."""
        if self.checkpoint_hook is not None:
            self.checkpoint_hook(self)

    def snapshot(self) -> dict[str, Any]:
        """The execution state without its history, ready for json.dumps."""
        self.st["runnable"] = list(self.runnable)
        return {k: v for k, v in self.st.items() if k != "events"}

    # ---- frames --------------------------------------------------------------------------------

    def new_frame(
        self,
        parent: Frame | None,
        branch: str,
        state: str,
        data: Any,
        variables: dict[str, Any],
        **extra: Any,
    ) -> Frame:
        """Create a frame (the machine, a branch or an iteration) positioned at `state`."""
        fid = str(self.st["next_frame"])
        self.st["next_frame"] += 1
        frame: Frame = {
            "id": fid,
            "parent": parent["id"] if parent is not None else None,
            "branch": branch,
            "state": state,
            "input": data,
            "vars": variables,
            "phase": ENTER,
            "entered": 0,
            "entered_at": 0.0,
            "attempts": None,
            "retry_count": 0,
            "wake_at": None,
            "ctx": None,
            "quiet": bool(parent is not None and parent.get("quiet")),
        }
        frame.update(extra)
        self.frames[fid] = frame
        return frame

    def schedule(self, frame: Frame, *, front: bool = False) -> None:
        """Make a frame runnable."""
        if front:
            self.runnable.appendleft(frame["id"])
        else:
            self.runnable.append(frame["id"])

    def sleep(self, frame: Frame, until: float) -> None:
        """Block a frame until `until` (a timer wakes it)."""
        frame["wake_at"] = until
        heapq.heappush(self.timers, (until, frame["id"]))

    def finish_frame(self, frame: Frame, output: Any) -> None:
        """A frame reached an End state."""
        frame["phase"] = "done"
        frame["status"] = SUCCEEDED
        frame["output"] = output
        if frame["parent"] is None:
            self.finish_execution(SUCCEEDED, output=output)
        else:
            self._child_done(frame)

    def fail_frame(self, frame: Frame, error: str | None, cause: str | None) -> None:
        """A frame failed with an error nobody caught."""
        frame["phase"] = "done"
        frame["status"] = FAILED
        frame["error"] = error
        frame["cause"] = cause
        if frame["parent"] is None:
            self.finish_execution(FAILED, error=error, cause=cause)
        else:
            self._child_done(frame)

    def _child_done(self, child: Frame) -> None:
        parent = self.frames[child["parent"]]
        self.frames.pop(child["id"], None)
        previous = self.cur_frame
        self.cur_frame = parent
        try:
            self.state_of(parent).on_child_done(self, parent, child)  # type: ignore[attr-defined]
        finally:
            self.cur_frame = previous

    def cancel_children(self, parent: Frame) -> None:
        """Drop every descendant of `parent` (a failed Map or Parallel)."""
        doomed = [fid for fid, f in self.frames.items() if f["parent"] == parent["id"]]
        for fid in doomed:
            child = self.frames.pop(fid, None)
            if child is not None:
                self.cancel_children(child)
        for token, fid in list(self.tokens.items()):
            if fid not in self.frames:
                del self.tokens[token]

    def finish_execution(
        self, status: str, *, output: Any = None, error: str | None = None, cause: str | None = None
    ) -> None:
        """End the execution and record its terminal event."""
        st = self.st
        if st["status"] != RUNNING:
            return
        st["status"] = status
        st["output"] = output
        st["error"] = error
        st["cause"] = cause
        st["stop_time"] = self.clock.now()
        if status == SUCCEEDED:
            self._add("ExecutionSucceeded", {"output": output})
        elif status == FAILED:
            self._add("ExecutionFailed", {"error": error, "cause": cause})
        elif status == TIMED_OUT:
            self._add("ExecutionTimedOut", {"error": error, "cause": cause})
        else:
            self._add("ExecutionAborted", {"error": error, "cause": cause})
        self.runnable.clear()
        self.timers.clear()
        self.tokens.clear()
        if self._pool is not None:  # handlers still running finish on their own; nobody waits for them
            self._pool.shutdown(wait=False)
            self._pool = None
            self.inflight.clear()

    def time_out(self) -> None:
        """The machine-level TimeoutSeconds elapsed."""
        self.finish_execution(TIMED_OUT)

    # ---- errors --------------------------------------------------------------------------------

    def _prefixed(self, state: State, frame: Frame, err: StatesError) -> str | None:
        """The cause, with AWS's "An error occurred while executing the state ..." prefix where due."""
        cause = err.cause
        if err.error in ("States.Runtime", "States.QueryEvaluationError") and not (cause or "").startswith(
            _PREFIX
        ):
            cause = f"{_PREFIX} '{state.name}' (entered at the event id #{frame['entered']}). {cause or ''}".rstrip()
        return cause

    def handle_error(self, frame: Frame, state: State, err: StatesError) -> str | None:
        """Apply Retry then Catch to an error raised by `state`; returns the next state or None."""
        self.cur_frame = frame
        error, cause = err.error, self._prefixed(state, frame, err)
        if isinstance(err, RuntimeFailure) or error == "States.Runtime":
            self.finish_execution(FAILED, error=error, cause=cause)
            return None
        if isinstance(err, QueryEvaluationError):
            self.event(frame, "EvaluationFailed", {"error": error, "cause": cause, "state": state.name})
            err.fail_event = err.fail_event or state.failed_type
        for index, retrier in enumerate(state.retriers):
            if not retrier.matches(error):
                continue
            attempts = frame["attempts"] or [0] * len(state.retriers)
            frame["attempts"] = attempts
            if attempts[index] < retrier.max_attempts:
                delay = retrier.delay(attempts[index], self.rng)
                attempts[index] += 1
                frame["retry_count"] += 1
                frame["phase"] = "retry"
                if delay > 0:
                    self.sleep(frame, self.clock.now() + delay)
                else:
                    self.schedule(frame, front=True)
                return None
            break
        if err.fail_event:
            self.event(frame, err.fail_event, None)
        for catcher in state.catchers:
            if catcher.matches(error):
                error_output: dict[str, Any] = {"Error": error}
                if cause is not None:
                    error_output["Cause"] = cause
                try:
                    out = state.catch_output(self, frame, catcher, error_output)
                except StatesError as inner:
                    self.fail_frame(frame, inner.error, self._prefixed(state, frame, inner))
                    return None
                self.event(frame, state.exited_type, {"name": state.name, "output": out})
                frame["input"] = out
                return catcher.next
        self.fail_frame(frame, error, cause)
        return None

    # ---- events --------------------------------------------------------------------------------

    def _add(self, event_type: str, details: dict[str, Any] | None) -> int:
        self.events.append([event_type, self.clock.now(), details])
        for listener in self.listeners:
            listener(event_type, details or {})
        return len(self.events)

    def event(self, frame: Frame, event_type: str, details: dict[str, Any] | None) -> int:
        """Record an event of `frame` (dropped for the child executions of a distributed Map)."""
        if frame["quiet"]:
            return 0
        events = self.events
        events.append([event_type, self._now(), details])
        if self.listeners:
            for listener in self.listeners:
                listener(event_type, details or {})
        return len(events)

    def enter(self, frame: Frame, state: State) -> None:
        """Record the StateEntered event of `state`."""
        now = self._now()
        frame["entered_at"] = now
        frame["attempts"] = None
        frame["retry_count"] = 0
        if frame["quiet"]:
            frame["entered"] = 0
            return
        details = {"name": state.name, "input": frame["input"]}
        events = self.events
        events.append([state.entered_type, now, details])
        frame["entered"] = len(events)
        if self.listeners:
            for listener in self.listeners:
                listener(state.entered_type, details)
