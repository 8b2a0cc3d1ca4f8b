"""The local engine: compiled flows on the in-process runtime, in a worker pool, checkpointed.

Each execution gets its own `Runtime` (so its listener knows which execution an event belongs to), all
sharing one checkpoint store. Jobs (start, continue, answer a paused step, redrive, resume) run on a
`ThreadPoolExecutor`; a job for one execution holds that execution's lock, so two never step it at
once. A long Wait (or a paused step's timeout) does not hold a worker: the clock "parks" the job and a
waiter submits it again when the time comes (or at once when a pooled task finishes). `resume_running()`
continues every execution a previous process left running; one that never reached its first checkpoint
is marked failed, never lost.
"""

from __future__ import annotations

import logging
import random
import threading
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from contextlib import nullcontext
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from pydantic import JsonValue

from deca.engines.base import (
    TERMINAL_STATUSES,
    ExecutionNotRedrivable,
    NotRunHere,
    PendingTask,
    TaskNotFound,
)
from deca.engines.cpu_slots import CpuSlots
from deca.engines.error_details import error_details
from deca.engines.local_checkpoints import CheckpointEntry, LocalCheckpoints
from deca.engines.local_clock import Closing, Parked, ParkingClock, Waiter
from deca.engines.local_tasks import local_task_registry
from deca.engines.naming import StateMachineNames, child_version
from deca.engines.recorder import ExecutionRecorder, StatusListener, paused_steps
from deca.errors import NotFoundError
from deca.flow import Flow
from deca.nodes.context import NodeContext
from deca.stores import MAX_LIMIT, Stores
from deca.stores.models import (
    ExecutionRecord,
    ExecutionStatus,
    FlowRecord,
    FlowVersion,
    HistoryEvent,
    Trigger,
)
from statemachines.compiler import CompileOptions, compile_flow
from statemachines.runtime import Clock, ExecutionResult, Runtime, StatesError, TaskRegistry, WallClock
from statemachines.runtime.engine import compile_definition
from statemachines.runtime.program import Program

__all__ = ["LocalEngine"]

logger = logging.getLogger(__name__)

_STATUSES: dict[str, ExecutionStatus] = {
    "SUCCEEDED": "succeeded",
    "FAILED": "failed",
    "TIMED_OUT": "timed_out",
    "ABORTED": "cancelled",
    "RUNNING": "running",
}
_REDRIVABLE: frozenset[ExecutionStatus] = frozenset({"failed", "timed_out", "cancelled"})


@dataclass
class _Live:
    """An execution this process drives."""

    workspace_id: str
    execution_id: str
    arn: str
    runtime: Runtime
    recorder: ExecutionRecorder
    lock: threading.Lock = field(default_factory=threading.Lock)
    settled: threading.Event = field(default_factory=threading.Event)  # set while no job is queued or running
    jobs: int = 0
    finished: bool = False  # ended: dropped from memory once no job holds it (a redrive reloads it)
    waiter: Waiter | None = None


class LocalEngine:
    """`ExecutionEngine` over the in-process ASL runtime, with node logic routed in-process."""

    name = "local"

    def __init__(
        self,
        stores: Stores,
        *,
        checkpoints: LocalCheckpoints | None = None,
        clock: Clock | None = None,
        max_workers: int = 8,
        cpu_slots: int = 2,
        park_after_seconds: float | None = 1.0,
        context: Callable[[str], NodeContext] | None = None,
        tasks: Callable[[str], TaskRegistry] | None = None,
        environment: str = "local",
        status_listener: StatusListener | None = None,
        run_brief_in_caller: bool = False,
        only_brief: bool = False,
    ) -> None:
        """`run_brief_in_caller`: `start` runs an execution of a brief program (pure states, no loop: see
        `Program.brief`) to its end on the caller's thread instead of queueing it; it takes a few
        milliseconds, and handing it to a worker thread and waiting for it cost more CPU than running it.

        `only_brief` (with `run_brief_in_caller`; an extra process of `deca dev --workers`): `start` of any
        other program raises `NotRunHere` before recording anything, so the caller hands the start to the
        process that keeps long-lived executions."""
        self.stores = stores
        self.run_brief_in_caller = run_brief_in_caller or only_brief
        self.only_brief = only_brief
        self.status_listener = status_listener  # told every status change (see `deca.bus.engine_status`)
        self.checkpoints = checkpoints or LocalCheckpoints.in_memory()
        self._inner_clock: Clock = clock or WallClock()
        self._closing = threading.Event()
        # A job steps its execution holding one of `cpu_slots` (see `deca.engines.cpu_slots`); it gives
        # the slot up while a node's handler runs and while it sleeps through a short wait.
        self._slots = CpuSlots(cpu_slots)
        self.clock = ParkingClock(
            self._inner_clock, park_after_seconds, self._closing, around_sleep=self._slots.released
        )
        self._pool = ThreadPoolExecutor(max_workers=max_workers, thread_name_prefix="deca-engine")
        self._context = context or self._default_context
        self._tasks_factory = tasks or self._default_tasks
        self._names = StateMachineNames(environment)
        self._rng = random.Random()  # retry jitter of every execution's runtime
        self._lock = threading.RLock()
        self._live: dict[tuple[str, str], _Live] = {}
        self._registries: dict[str, TaskRegistry] = {}
        self._definitions: dict[tuple[str, str, int], dict[str, Any]] = {}
        self._programs: dict[tuple[str, str, int], Program] = {}
        self._node_types: dict[tuple[str, str, int], dict[str, str]] = {}  # node id -> type, per version

    # ---- wiring --------------------------------------------------------------------------------

    def _default_context(self, workspace_id: str) -> NodeContext:
        from deca.clock import SystemClock

        return NodeContext(workspace_id=workspace_id, stores=self.stores, clock=SystemClock())

    def _default_tasks(self, workspace_id: str) -> TaskRegistry:
        return local_task_registry(self._context(workspace_id))

    def _registry(self, workspace_id: str) -> TaskRegistry:
        with self._lock:
            registry = self._registries.get(workspace_id)
            if registry is None:
                registry = self._registries[workspace_id] = self._tasks_factory(workspace_id)
                registry.around_calls = self._slots.released  # a node waiting on I/O holds no slot
                registry.resolve_state_machines(lambda name: self._sub_flow(workspace_id, name))
            return registry

    def _sub_flow(self, workspace_id: str, machine_name: str) -> dict[str, Any] | None:
        """The definition of the flow version a `sub_flow` node's state machine name stands for."""
        found = self._names.find(self.stores.flows, workspace_id, machine_name)
        if found is None:
            return None
        try:
            return self._definition(workspace_id, *found)
        except NotFoundError:
            return None

    def _now(self) -> datetime:
        return datetime.fromtimestamp(self._inner_clock.now(), UTC)

    def _machine(self, workspace_id: str, flow_id: str, version: int) -> str:
        return self._names.name(workspace_id, flow_id, version)

    def _flow(self, workspace_id: str, flow_id: str, version: int) -> FlowVersion:
        return self.stores.flows.get_version(workspace_id, flow_id, version)

    def _definition(self, workspace_id: str, flow_id: str, version: int) -> dict[str, Any]:
        key = (workspace_id, flow_id, version)
        with self._lock:
            cached = self._definitions.get(key)
        if cached is not None:
            return cached
        flow = Flow.model_validate(self._flow(workspace_id, flow_id, version).definition)
        asl = compile_flow(flow, self.compile_options(workspace_id))
        with self._lock:
            self._definitions[key] = asl
        return asl

    def _program(self, workspace_id: str, flow_id: str, version: int) -> Program:
        """The version's compiled program (compiled once: a version never changes)."""
        key = (workspace_id, flow_id, version)
        with self._lock:
            program = self._programs.get(key)
        if program is None:
            program = compile_definition(self._definition(workspace_id, flow_id, version))
            with self._lock:
                self._programs[key] = program
        return program

    # ---- deployment ----------------------------------------------------------------------------

    def compile_options(self, workspace_id: str) -> CompileOptions:
        """Task nodes call `deca-node-<type>`, which the engine's registry runs in-process; a sub-flow
        starts its child's pinned version, else the one published when the parent is compiled."""
        return CompileOptions(
            workspace_id=workspace_id,
            sub_flow_arn=lambda flow_id, pinned: self._child_arn(workspace_id, flow_id, pinned),
        )

    def _child_arn(self, workspace_id: str, flow_id: str, pinned: int | None) -> str | None:
        version = child_version(self.stores.flows, workspace_id, flow_id, pinned)
        return None if version is None else self._names.arn(workspace_id, flow_id, version)

    def deploy(self, record: FlowRecord, version: FlowVersion, asl: dict[str, Any]) -> str:
        """Keep the compiled definition of the version; returns a local state machine ARN."""
        with self._lock:
            self._definitions[(record.workspace_id, record.flow_id, version.version)] = asl
            self._programs.pop((record.workspace_id, record.flow_id, version.version), None)
            self._node_types.pop((record.workspace_id, record.flow_id, version.version), None)
        return self._names.arn(record.workspace_id, record.flow_id, version.version)

    def undeploy(self, workspace_id: str, flow_id: str, version: int) -> None:
        """Drop the cached definition (a later start compiles the stored version again)."""
        with self._lock:
            self._definitions.pop((workspace_id, flow_id, version), None)
            self._programs.pop((workspace_id, flow_id, version), None)
            self._node_types.pop((workspace_id, flow_id, version), None)

    # ---- executions ----------------------------------------------------------------------------

    def start(
        self,
        workspace_id: str,
        flow_id: str,
        version: int,
        input: JsonValue,
        *,
        name: str | None = None,
        trigger: Trigger | None = None,
    ) -> str:
        """Record the execution and queue it (or run it, see `run_brief_in_caller`); a repeated `name` returns
        the first execution's id."""
        program = self._program(workspace_id, flow_id, version)
        if self.only_brief and not program.brief:
            raise NotRunHere(f"flow {flow_id!r} version {version} is not brief: it runs in the main process")
        execution_id = uuid.uuid4().hex
        record = ExecutionRecord(
            workspace_id=workspace_id,
            execution_id=execution_id,
            flow_id=flow_id,
            flow_version=version,
            start_time=self._now(),
            trigger=trigger or Trigger(),
            input={} if input is None else input,
            name=name,
        )
        stored = self.stores.executions.create(workspace_id, record)
        if stored.execution_id != execution_id:
            return stored.execution_id
        self._notify_status(stored)
        machine = self._machine(workspace_id, flow_id, version)
        live = self._attach(workspace_id, execution_id, flow_id, version, machine, fresh=True, known=stored)
        self.checkpoints.register(CheckpointEntry(live.arn, workspace_id, execution_id))
        self._submit(
            live,
            lambda: live.runtime.start(
                program, record.input, name=execution_id, state_machine_name=machine, wait=True
            ),
            here=self.run_brief_in_caller and program.brief,
        )
        return execution_id

    def _attach(
        self,
        workspace_id: str,
        execution_id: str,
        flow_id: str,
        version: int,
        machine: str,
        *,
        fresh: bool = False,
        known: ExecutionRecord | None = None,
    ) -> _Live:
        recorder = ExecutionRecorder(
            self.stores.executions,
            workspace_id,
            execution_id,
            self._types_of_nodes(workspace_id, flow_id, version),
            self._now,
            self._notify_status,
            fresh=fresh,
            known=known,
        )
        runtime = Runtime(
            tasks=self._registry(workspace_id),
            clock=self.clock,
            store=self.checkpoints.store,
            listeners=[recorder],
            rng=self._rng,  # one for all (seeding a generator per execution read the OS's entropy each time)
            keep_succeeded=False,  # its record holds everything: a succeeded execution is never resumed
            checkpoint_replayable=False,  # a flow of pure steps is started again after a crash instead
        )
        arn = f"arn:aws:states:{runtime.region}:{runtime.account}:execution:{machine}:{execution_id}"
        live = _Live(workspace_id, execution_id, arn, runtime, recorder)
        live.settled.set()
        with self._lock:
            self._live[(workspace_id, execution_id)] = live
        return live

    def _types_of_nodes(self, workspace_id: str, flow_id: str, version: int) -> dict[str, str]:
        """Node id -> node type of a flow version (read and parsed once: a version never changes)."""
        key = (workspace_id, flow_id, version)
        with self._lock:
            types = self._node_types.get(key)
        if types is None:
            flow = Flow.model_validate(self._flow(workspace_id, flow_id, version).definition)
            types = {node.id: node.type for node in flow.nodes}
            with self._lock:
                self._node_types[key] = types
        return types

    def _notify_status(self, record: ExecutionRecord) -> None:
        """Tell the status listener, if one is set now (it may be set after executions were attached)."""
        listener = self.status_listener
        if listener is not None:
            listener(record)

    def _live_for(self, workspace_id: str, execution_id: str) -> _Live:
        with self._lock:
            live = self._live.get((workspace_id, execution_id))
        if live is not None:
            return live
        record = self.stores.executions.get(workspace_id, execution_id)
        machine = self._machine(workspace_id, record.flow_id, record.flow_version)
        return self._attach(workspace_id, execution_id, record.flow_id, record.flow_version, machine)

    def _submit(self, live: _Live, action: Callable[[], ExecutionResult], *, here: bool = False) -> None:
        """Queue a job stepping the execution (`here`: run it on this thread now, without a CPU slot)."""
        with self._lock:
            live.jobs += 1
            live.finished = False
            live.settled.clear()
            if live.waiter is not None:
                live.waiter.cancel()
                live.waiter = None
        if here:
            self._job(live, action, slot=False)
        else:
            self._pool.submit(self._job, live, action)

    def _job(self, live: _Live, action: Callable[[], ExecutionResult], *, slot: bool = True) -> None:
        try:
            with self._slots.hold() if slot else nullcontext():
                self._step(live, action)
        finally:
            with self._lock:
                live.jobs -= 1
                if live.jobs == 0:
                    self._release(live)
                    live.settled.set()

    def _release_idle(self, live: _Live) -> None:
        with self._lock:
            if live.jobs == 0:
                self._release(live)

    def _release(self, live: _Live) -> None:
        """Forget an ended execution (called with the engine lock held and no job pending)."""
        key = (live.workspace_id, live.execution_id)
        if live.finished and self._live.get(key) is live:
            del self._live[key]

    def _step(self, live: _Live, action: Callable[[], ExecutionResult]) -> None:
        with live.lock:
            if self._closing.is_set():
                return
            try:
                if live.recorder.status() in TERMINAL_STATUSES:
                    live.finished = True
                    return
                result = action()
            except Parked as parked:
                self._park(live, parked)
                return
            except Closing:
                live.recorder.flush()  # the steps taken so far stay readable after a restart
                return
            except StatesError as exc:
                logger.warning("execution could not continue", extra={"execution_id": live.execution_id})
                self._fail(live, exc.error, exc.cause)
                return
            except Exception as exc:  # a bug must not leave the execution silently running
                logger.exception("local engine job failed", extra={"execution_id": live.execution_id})
                self._fail(live, "Engine.InternalError", f"{type(exc).__name__}: {exc}")
                return
            self._settle(live, result)

    def _park(self, live: _Live, parked: Parked) -> None:
        live.recorder.set_status("waiting" if live.runtime.tokens(live.arn) else "running")
        delay = max(parked.when - self._inner_clock.now(), 0.0)
        waiter = Waiter(
            delay, parked.interrupt, lambda: self._submit(live, lambda: live.runtime.run(live.arn))
        )
        live.waiter = waiter
        if not self._closing.is_set():
            waiter.start()

    def _settle(self, live: _Live, result: ExecutionResult) -> None:
        status = _STATUSES.get(result.status, "failed")
        if status == "running":
            waiting = bool(live.runtime.tokens(live.arn))
            live.recorder.set_status("waiting" if waiting else "running")
            return
        live.recorder.finish(result.status, result.output)
        error: dict[str, JsonValue] | None = (
            None if status == "succeeded" else error_details(result.error, result.cause)
        )
        live.recorder.set_status(status, output=result.output if status == "succeeded" else None, error=error)
        live.finished = True
        if status == "succeeded":  # recorded first: a crash before this line resumes it, never loses it
            live.runtime.discard(live.arn)
            self.checkpoints.forget(live.arn)

    def _fail(self, live: _Live, error: str | None, cause: str | None) -> None:
        live.recorder.finish("FAILED", None)
        live.recorder.set_status("failed", error=error_details(error, cause))
        live.finished = True

    def wait(self, workspace_id: str, execution_id: str, timeout_seconds: float) -> ExecutionRecord:
        """The execution once no step of it is queued or running (it ended, paused or parked on a long
        wait), or as it is after `timeout_seconds`."""
        with self._lock:
            live = self._live.get((workspace_id, execution_id))
        if live is not None:
            live.settled.wait(timeout_seconds)
        return self.describe(workspace_id, execution_id)

    def describe(self, workspace_id: str, execution_id: str) -> ExecutionRecord:
        """The stored execution record."""
        return self.stores.executions.get(workspace_id, execution_id)

    def history(self, workspace_id: str, execution_id: str) -> list[HistoryEvent]:
        """Every recorded history event, oldest first."""
        self.describe(workspace_id, execution_id)
        events: list[HistoryEvent] = []
        cursor: str | None = None
        while True:
            page = self.stores.executions.get_history(
                workspace_id, execution_id, limit=MAX_LIMIT, cursor=cursor
            )
            events += page.items
            if page.next_cursor is None:
                return events
            cursor = page.next_cursor

    def stop(
        self, workspace_id: str, execution_id: str, *, error: str | None = None, cause: str | None = None
    ) -> ExecutionRecord:
        """Abort the execution (it is checkpointed as ABORTED); a finished one is returned as it is."""
        record = self.describe(workspace_id, execution_id)
        if record.status in TERMINAL_STATUSES:
            return record
        live = self._live_for(workspace_id, execution_id)
        if live.waiter is not None:
            live.waiter.cancel()
        try:
            result = live.runtime.stop(live.arn, error=error, cause=cause)
        except StatesError:  # queued, never checkpointed: the job will see the record and skip
            live.recorder.finish("ABORTED", None)
            live.finished = True
            return live.recorder.set_status("cancelled", error={"error": error, "cause": cause})
        self._settle(live, result)
        self._release_idle(live)
        return self.describe(workspace_id, execution_id)

    def redrive(self, workspace_id: str, execution_id: str) -> ExecutionRecord:
        """Continue a failed, timed-out or cancelled execution from the step that did not finish."""
        record = self.describe(workspace_id, execution_id)
        if record.status not in _REDRIVABLE:
            raise ExecutionNotRedrivable(execution_id, record.status)
        live = self._live_for(workspace_id, execution_id)
        if not self.checkpoints.has_checkpoint(live.arn):
            raise ExecutionNotRedrivable(execution_id, f"{record.status} before its first step")
        running = self.stores.executions.update_status(
            workspace_id, execution_id, "running", expected_status=record.status
        )
        live.recorder.seen(running)
        self._notify_status(running)
        self._submit(live, lambda: live.runtime.redrive(live.arn, wait=True))
        return self.describe(workspace_id, execution_id)

    # ---- paused steps --------------------------------------------------------------------------

    def pending_tasks(self, workspace_id: str, execution_id: str) -> list[PendingTask]:
        """Paused steps waiting for an answer, with the node each belongs to."""
        record = self.describe(workspace_id, execution_id)
        if record.status in TERMINAL_STATUSES:
            return []
        live = self._live_for(workspace_id, execution_id)
        try:
            tokens = set(live.runtime.tokens(live.arn))
        except StatesError:
            return []
        page = self.stores.executions.list_node_results(workspace_id, execution_id)
        return paused_steps(execution_id, page.items, tokens)

    def _holder(self, workspace_id: str, task_token: str) -> _Live:
        with self._lock:
            candidates = [live for (ws, _), live in self._live.items() if ws == workspace_id]
        for live in candidates:
            try:
                if task_token in live.runtime.tokens(live.arn):
                    return live
            except StatesError:
                continue
        raise TaskNotFound(task_token)

    def send_task_success(self, workspace_id: str, task_token: str, output: JsonValue) -> None:
        """Answer a paused step; the execution continues in the worker pool."""
        live = self._holder(workspace_id, task_token)
        live.recorder.set_status("running")
        self._submit(live, lambda: live.runtime.send_task_success(task_token, output, wait=True))

    def send_task_failure(self, workspace_id: str, task_token: str, *, error: str, cause: str = "") -> None:
        """Fail a paused step; its Retry/Catch decide what happens next."""
        live = self._holder(workspace_id, task_token)
        live.recorder.set_status("running")
        self._submit(live, lambda: live.runtime.send_task_failure(task_token, error, cause, wait=True))

    def send_task_heartbeat(self, workspace_id: str, task_token: str) -> None:
        """Restart a paused step's heartbeat timeout."""
        live = self._holder(workspace_id, task_token)
        live.runtime.send_task_heartbeat(task_token)

    # ---- durability ----------------------------------------------------------------------------

    def resume_running(self) -> int:
        """Continue executions a previous process left running; mark unstarted ones failed. Returns how many resumed."""
        running = self.checkpoints.running()
        resumed = 0
        for entry in self.checkpoints.entries():
            try:
                record = self.describe(entry.workspace_id, entry.execution_id)
            except NotFoundError:
                continue
            if record.status in TERMINAL_STATUSES:
                if record.status == "succeeded":  # recorded, then the process stopped before discarding it
                    self.checkpoints.store.discard(entry.execution_arn)
                    self.checkpoints.forget(entry.execution_arn)
                continue
            live = self._live_for(entry.workspace_id, entry.execution_id)
            if entry.execution_arn in running:
                self._submit(live, self._resumer(live))
                resumed += 1
            elif self.checkpoints.has_checkpoint(entry.execution_arn):
                continue
            elif self._replayable(record):
                self._submit(live, self._restarter(live, record))  # pure steps only: run them again
                resumed += 1
            else:
                self._fail(live, "Engine.Lost", "the studio stopped before the execution's first step")
                self._release_idle(live)
        return resumed

    @staticmethod
    def _resumer(live: _Live) -> Callable[[], ExecutionResult]:
        return lambda: live.runtime.resume(live.arn, wait=True)

    def _replayable(self, record: ExecutionRecord) -> bool:
        """Whether the execution's flow version has only pure steps (it is never checkpointed while it runs)."""
        try:
            return self._program(record.workspace_id, record.flow_id, record.flow_version).replayable
        except NotFoundError:
            return False

    def _restarter(self, live: _Live, record: ExecutionRecord) -> Callable[[], ExecutionResult]:
        program = self._program(record.workspace_id, record.flow_id, record.flow_version)
        machine = self._machine(record.workspace_id, record.flow_id, record.flow_version)
        return lambda: live.runtime.start(
            program, record.input, name=record.execution_id, state_machine_name=machine, wait=True
        )

    def live_count(self) -> int:
        """How many executions this engine holds in memory (running, paused, or with a step queued)."""
        with self._lock:
            return len(self._live)

    def close(self) -> None:
        """Stop: no new steps; executions stay checkpointed where they are."""
        self._closing.set()
        with self._lock:
            lives = list(self._live.values())
        for live in lives:
            if live.waiter is not None:
                live.waiter.cancel()
        self._pool.shutdown(wait=True, cancel_futures=True)
        self.checkpoints.close()
