"""Checkpoints, resume, stop and redrive."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from statemachines.runtime import (
    CheckpointStore,
    FakeClock,
    MemoryCheckpointStore,
    Runtime,
    SqliteCheckpointStore,
    StatesError,
    TaskRegistry,
)

WAITING = {
    "StartAt": "Set",
    "States": {
        "Set": {"Type": "Pass", "Assign": {"v": 7}, "Next": "Wait"},
        "Wait": {"Type": "Wait", "Seconds": 60, "Next": "Use"},
        "Use": {"Type": "Pass", "Parameters": {"v.$": "$v", "in.$": "$"}, "End": True},
    },
}


@pytest.fixture(params=["memory", "sqlite"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> CheckpointStore:
    if request.param == "memory":
        return MemoryCheckpointStore()
    return SqliteCheckpointStore(tmp_path / "cp.sqlite")


def test_resume_continues_from_the_checkpoint(store: CheckpointStore) -> None:
    clock = FakeClock()
    first = Runtime(clock=clock, store=store)
    started = first.start(WAITING, {"a": 1}, name="x", wait=False)
    assert started.status == "RUNNING"
    # a different runtime (as after a restart) picks it up from the store
    second = Runtime(clock=clock, store=store)
    assert store.running() == [started.execution_arn]
    resumed = second.resume(started.execution_arn)
    assert resumed.to_dict() == {"status": "SUCCEEDED", "output": {"v": 7, "in": {"a": 1}}}
    assert resumed.history_types() == Runtime(clock=FakeClock()).start(WAITING, {"a": 1}).history_types()


def test_resume_all_picks_up_every_running_execution(store: CheckpointStore) -> None:
    clock = FakeClock()
    runtime = Runtime(clock=clock, store=store)
    for name in ("a", "b"):
        runtime.start(WAITING, {}, name=name, wait=False)
    results = Runtime(clock=clock, store=store).resume_all()
    assert sorted(r.status for r in results) == ["SUCCEEDED", "SUCCEEDED"]
    assert store.running() == []


def test_keep_succeeded_false_also_discards_an_execution_another_runtime_saved(
    store: CheckpointStore,
) -> None:
    clock = FakeClock()
    started = Runtime(clock=clock, store=store).start(WAITING, {}, name="later", wait=False)
    assert store.load(started.execution_arn) is not None

    runtime = Runtime(clock=clock, store=store, keep_succeeded=False)
    resumed = runtime.resume(started.execution_arn)
    assert store.running() == [started.execution_arn]  # its last RUNNING save, until the embedder discards it
    runtime.discard(started.execution_arn)

    assert resumed.status == "SUCCEEDED"
    assert store.load(started.execution_arn) is None


FAILING = {"StartAt": "Boom", "States": {"Boom": {"Type": "Fail", "Error": "Oops", "Cause": "broken"}}}


def test_keep_succeeded_false_discards_a_succeeded_execution_and_keeps_a_failed_one(
    store: CheckpointStore,
) -> None:
    clock = FakeClock()
    runtime = Runtime(clock=clock, store=store, keep_succeeded=False)
    started = runtime.start(WAITING, {"a": 1}, name="ok", wait=False)
    assert store.load(started.execution_arn) is not None  # paused on the Wait: saved as RUNNING
    assert runtime.run(started.execution_arn).status == "SUCCEEDED"
    # not saved as succeeded: a crash before the embedder records the outcome resumes it from the Wait
    assert store.running() == [started.execution_arn]
    assert Runtime(clock=clock, store=store).resume(started.execution_arn).status == "SUCCEEDED"
    runtime.discard(started.execution_arn)
    assert store.load(started.execution_arn) is None
    assert store.running() == []

    failed = runtime.start(FAILING, {}, name="bad")
    assert failed.status == "FAILED"
    saved = store.load(failed.execution_arn)
    assert saved is not None and saved[0]["status"] == "FAILED"  # kept: it can be redriven


def test_stop_aborts_a_running_execution() -> None:
    runtime = Runtime(clock=FakeClock())
    started = runtime.start(WAITING, {}, wait=False)
    stopped = runtime.stop(started.execution_arn, error="Manual", cause="operator")
    assert (stopped.status, stopped.error) == ("ABORTED", "Manual")
    assert stopped.history_types()[-1] == "ExecutionAborted"


def _flaky_registry(outcomes: list[Any]) -> TaskRegistry:
    tasks = TaskRegistry()

    def handler(event: Any) -> Any:
        outcome = outcomes.pop(0)
        if isinstance(outcome, Exception):
            raise outcome
        return outcome

    tasks.register_lambda("flaky", handler)
    return tasks


def test_redrive_restarts_from_the_failed_state_keeping_earlier_results() -> None:
    calls: list[str] = []
    tasks = _flaky_registry([RuntimeError("down"), {"ok": True}])
    tasks.register_lambda("first", lambda event: calls.append("first") or {"first": 1})
    definition = {
        "StartAt": "First",
        "States": {
            "First": {
                "Type": "Task",
                "Resource": "arn:aws:lambda:us-east-1:111111111111:function:first",
                "Next": "Second",
            },
            "Second": {
                "Type": "Task",
                "Resource": "arn:aws:lambda:us-east-1:111111111111:function:flaky",
                "ResultPath": "$.second",
                "End": True,
            },
        },
    }
    runtime = Runtime(tasks=tasks, clock=FakeClock())
    failed = runtime.start(definition, {})
    assert (failed.status, failed.error) == ("FAILED", "RuntimeError")
    redriven = runtime.redrive(failed.execution_arn)
    assert redriven.to_dict() == {"status": "SUCCEEDED", "output": {"first": 1, "second": {"ok": True}}}
    assert calls == ["first"]
    types = redriven.history_types()
    assert types[types.index("ExecutionRedriven") + 1] == "TaskStateEntered"


def test_redrive_of_a_running_execution_is_refused() -> None:
    runtime = Runtime(clock=FakeClock())
    started = runtime.start(WAITING, {}, wait=False)
    with pytest.raises(StatesError) as caught:
        runtime.redrive(started.execution_arn)
    assert caught.value.error == "ExecutionNotRedrivable"


def test_the_saved_history_only_grows_and_ends_with_the_terminal_event(tmp_path: Path) -> None:
    saves: list[int] = []

    class CountingStore(MemoryCheckpointStore):
        def save(self, execution_id: str, state: dict[str, Any], events: list[Any], first_event: int) -> None:
            saves.append(first_event + len(events))
            super().save(execution_id, state, events, first_event)

    Runtime(clock=FakeClock(), store=CountingStore()).start(WAITING, {})
    # the saved history only grows, and it ends with the terminal event
    assert saves == sorted(saves)
    assert len(saves) >= 4


def test_a_run_of_pure_states_is_saved_once_before_the_state_that_waits(tmp_path: Path) -> None:
    saves: list[list[str]] = []

    class RecordingStore(MemoryCheckpointStore):
        def save(self, execution_id: str, state: dict[str, Any], events: list[Any], first_event: int) -> None:
            saves.append([event[0] for event in events])
            super().save(execution_id, state, events, first_event)

    machine = {
        "StartAt": "A",
        "States": {
            "A": {"Type": "Pass", "Next": "B"},
            "B": {"Type": "Pass", "Next": "C"},
            "C": {
                "Type": "Choice",
                "Choices": [{"Variable": "$.x", "IsPresent": True, "Next": "End"}],
                "Default": "Wait",
            },
            "Wait": {"Type": "Wait", "Seconds": 60, "Next": "End"},
            "End": {"Type": "Pass", "End": True},
        },
    }
    store = RecordingStore()
    Runtime(clock=FakeClock(), store=store).start(machine, {})

    # the start is saved; A, B and C are saved together, before Wait is entered; then the wait and the end
    assert saves[0] == ["ExecutionStarted"]
    assert saves[1] == ["PassStateEntered", "PassStateExited"] * 2 + [
        "ChoiceStateEntered",
        "ChoiceStateExited",
    ]
    assert saves[2] == ["WaitStateEntered"]
    assert [event for batch in saves for event in batch][-1] == "ExecutionSucceeded"


def test_redriven_map_reruns_only_the_iterations_that_failed() -> None:
    attempts: dict[int, int] = {}

    def handler(event: Any) -> Any:
        attempts[event] = attempts.get(event, 0) + 1
        if event == 2 and attempts[event] == 1:
            raise RuntimeError("item 2 failed once")
        return event * 10

    tasks = TaskRegistry()
    tasks.register_lambda("work", handler)
    definition = {
        "StartAt": "Each",
        "States": {
            "Each": {
                "Type": "Map",
                "MaxConcurrency": 1,
                "ItemProcessor": {
                    "StartAt": "Work",
                    "States": {
                        "Work": {
                            "Type": "Task",
                            "Resource": "arn:aws:lambda:us-east-1:111111111111:function:work",
                            "End": True,
                        }
                    },
                },
                "End": True,
            }
        },
    }
    runtime = Runtime(tasks=tasks, clock=FakeClock())
    failed = runtime.start(definition, [0, 1, 2, 3])
    assert failed.status == "FAILED"
    redriven = runtime.redrive(failed.execution_arn)
    assert redriven.output == [0, 10, 20, 30]
    assert attempts == {0: 1, 1: 1, 2: 2, 3: 1}


def test_redriven_parallel_reruns_only_the_branches_that_failed() -> None:
    calls: list[str] = []

    def good(event: Any) -> Any:
        calls.append("good")
        return "g"

    outcomes: list[Any] = [RuntimeError("down"), "b"]
    tasks = _flaky_registry(outcomes)
    tasks.register_lambda("good", good)

    def branch(function: str) -> dict[str, Any]:
        resource = f"arn:aws:lambda:us-east-1:111111111111:function:{function}"
        return {"StartAt": "T", "States": {"T": {"Type": "Task", "Resource": resource, "End": True}}}

    definition = {
        "StartAt": "P",
        "States": {"P": {"Type": "Parallel", "Branches": [branch("good"), branch("flaky")], "End": True}},
    }
    runtime = Runtime(tasks=tasks, clock=FakeClock())
    failed = runtime.start(definition, {})
    assert failed.status == "FAILED"
    redriven = runtime.redrive(failed.execution_arn)
    assert redriven.output == ["g", "b"]
    assert calls == ["good"]


PURE = {
    "StartAt": "Set",
    "States": {
        "Set": {"Type": "Pass", "Assign": {"v": 7}, "Next": "Check"},
        "Check": {
            "Type": "Choice",
            "Choices": [{"Variable": "$v", "NumericEquals": 7, "Next": "Done"}],
            "Default": "Bad",
        },
        "Bad": {"Type": "Fail", "Error": "Unexpected"},
        "Done": {"Type": "Succeed"},
    },
}


def test_a_program_of_pure_states_is_replayable_and_one_that_waits_is_not() -> None:
    runtime = Runtime(clock=FakeClock())
    assert runtime.compile(PURE).replayable
    assert not runtime.compile(WAITING).replayable
    assert runtime.compile(FAILING).replayable  # a Fail state is pure too


def test_checkpoint_replayable_false_saves_a_replayable_execution_only_once_it_ended() -> None:
    saved: list[tuple[str, str]] = []

    class RecordingStore(MemoryCheckpointStore):
        def save(self, execution_id: str, state: dict[str, Any], events: list[Any], first_event: int) -> None:
            saved.append((execution_id.rsplit(":", 1)[1], state["status"]))
            super().save(execution_id, state, events, first_event)

    store = RecordingStore()
    runtime = Runtime(clock=FakeClock(), store=store, checkpoint_replayable=False)
    pure = runtime.start(PURE, {}, name="pure")
    failed = runtime.start(FAILING, {}, name="failed")
    waiting = runtime.start(WAITING, {}, name="waiting", wait=False)

    assert (pure.status, failed.status, waiting.status) == ("SUCCEEDED", "FAILED", "RUNNING")
    assert [entry for entry in saved if entry[0] == "pure"] == [("pure", "SUCCEEDED")]
    assert [entry for entry in saved if entry[0] == "failed"] == [("failed", "FAILED")]  # can be redriven
    assert ("waiting", "RUNNING") in saved  # not replayable: saved before it waits
    loaded = store.load(failed.execution_arn)
    assert loaded is not None and [event[0] for event in loaded[1]][-1] == "ExecutionFailed"


class _ProcessDied(BaseException):
    """Stands for the process dying while a handler runs (nothing in the runtime catches it)."""


def test_an_execution_that_died_during_a_task_runs_the_task_again_when_resumed(
    store: CheckpointStore,
) -> None:
    # Given an execution whose process died while its (non-pooled) task ran, after the checkpoint taken
    # before the task
    calls: list[Any] = []

    def handler(event: Any) -> Any:
        calls.append(event)
        if len(calls) == 1:
            raise _ProcessDied()
        return {"doubled": event["n"] * 2}

    tasks = TaskRegistry()
    tasks.register_lambda("double", handler)
    definition = {
        "StartAt": "Prepare",
        "States": {
            "Prepare": {"Type": "Pass", "Parameters": {"n.$": "$.n"}, "Next": "Double"},
            "Double": {
                "Type": "Task",
                "Resource": "arn:aws:lambda:us-east-1:111111111111:function:double",
                "Next": "Done",
            },
            "Done": {"Type": "Pass", "End": True},
        },
    }
    with pytest.raises(_ProcessDied):
        Runtime(tasks=tasks, clock=FakeClock(), store=store).start(definition, {"n": 21}, name="e1")
    [arn] = store.running()

    # When another runtime resumes it from the store
    resumed = Runtime(tasks=tasks, clock=FakeClock(), store=store).resume(arn)

    # Then the task runs again and the execution ends
    assert resumed.to_dict() == {"status": "SUCCEEDED", "output": {"doubled": 42}}
    assert calls == [{"n": 21}, {"n": 21}]


LOOPING = {
    "StartAt": "Count",
    "States": {
        "Count": {"Type": "Pass", "Parameters": {"n.$": "States.MathAdd($.n, 1)"}, "Next": "More?"},
        "More?": {
            "Type": "Choice",
            "Choices": [{"Variable": "$.n", "NumericLessThan": 3, "Next": "Count"}],
            "Default": "Done",
        },
        "Done": {"Type": "Succeed"},
    },
}
BRANCHING = {
    "StartAt": "Check",
    "States": {
        "Check": {
            "Type": "Choice",
            "Choices": [{"Variable": "$.n", "NumericGreaterThan": 0, "Next": "Positive"}],
            "Default": "Other",
        },
        "Positive": {"Type": "Pass", "Result": "positive", "Next": "Done"},
        "Other": {"Type": "Pass", "Result": "other", "Next": "Done"},
        "Done": {"Type": "Succeed"},
    },
}


def test_a_brief_program_is_replayable_with_no_state_reached_twice() -> None:
    runtime = Runtime(clock=FakeClock())
    assert runtime.compile(PURE).brief
    assert runtime.compile(BRANCHING).brief  # two ways to one end: no state is reached again
    assert runtime.compile(FAILING).brief
    assert runtime.compile(LOOPING).replayable and not runtime.compile(LOOPING).brief
    assert not runtime.compile(WAITING).brief
