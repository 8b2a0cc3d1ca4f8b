"""The callback pattern: `.waitForTaskToken` tasks pause until a token is sent back."""

from __future__ import annotations

import threading
from typing import Any

import pytest

from statemachines.runtime import FakeClock, Runtime, StatesError, TaskRegistry, WallClock

DEFINITION = {
    "StartAt": "Ask",
    "States": {
        "Ask": {
            "Type": "Task",
            "Resource": "arn:aws:states:::lambda:invoke.waitForTaskToken",
            "Parameters": {"FunctionName": "notify", "Payload": {"token.$": "$$.Task.Token"}},
            "HeartbeatSeconds": 30,
            "TimeoutSeconds": 100,
            "End": True,
        }
    },
}


@pytest.fixture
def setup() -> tuple[Runtime, FakeClock, list[Any]]:
    clock = FakeClock()
    sent: list[Any] = []
    tasks = TaskRegistry()
    tasks.register_lambda("notify", lambda event: sent.append(event) or {})
    return Runtime(tasks=tasks, clock=clock), clock, sent


def test_execution_waits_for_the_token(setup: tuple[Runtime, FakeClock, list[Any]]) -> None:
    runtime, _, sent = setup
    result = runtime.start(DEFINITION, {}, wait=False)
    assert result.status == "RUNNING"
    assert runtime.tokens(result.execution_arn) == [sent[0]["token"]]
    assert result.history_types()[-1] == "TaskSubmitted"


def test_send_task_success_completes_the_task(setup: tuple[Runtime, FakeClock, list[Any]]) -> None:
    runtime, _, sent = setup
    runtime.start(DEFINITION, {}, wait=False)
    result = runtime.send_task_success(sent[0]["token"], {"answer": 42})
    assert result.to_dict() == {"status": "SUCCEEDED", "output": {"answer": 42}}


def test_send_task_failure_fails_the_task(setup: tuple[Runtime, FakeClock, list[Any]]) -> None:
    runtime, _, sent = setup
    runtime.start(DEFINITION, {}, wait=False)
    result = runtime.send_task_failure(sent[0]["token"], "Rejected", "no thanks")
    assert (result.status, result.error, result.cause) == ("FAILED", "Rejected", "no thanks")
    assert result.history_types()[-2:] == ["TaskFailed", "ExecutionFailed"]


def test_missing_heartbeat_times_out(setup: tuple[Runtime, FakeClock, list[Any]]) -> None:
    runtime, clock, _ = setup
    start = clock.now()
    result = runtime.start(DEFINITION, {})
    assert result.error == "States.HeartbeatTimeout"
    assert clock.now() - start == 30


def test_heartbeats_keep_the_task_alive_until_its_timeout(
    setup: tuple[Runtime, FakeClock, list[Any]],
) -> None:
    runtime, clock, sent = setup
    start = clock.now()
    arn = runtime.start(DEFINITION, {}, wait=False).execution_arn
    for _ in range(3):
        clock.advance(25)
        runtime.send_task_heartbeat(sent[0]["token"])
        assert runtime.run(arn, wait=False).status == "RUNNING"
    result = runtime.run(arn)
    assert result.error == "States.Timeout"
    assert clock.now() - start == 100


def test_unknown_token_is_rejected(setup: tuple[Runtime, FakeClock, list[Any]]) -> None:
    runtime, _, _ = setup
    with pytest.raises(StatesError) as caught:
        runtime.send_task_success("no-such-token", {})
    assert caught.value.error == "TaskDoesNotExist"


def test_token_can_be_completed_while_another_branch_sleeps_on_the_wall_clock() -> None:
    # Given a Parallel whose first branch sleeps an hour (real clock) and second waits for a token
    submitted = threading.Event()
    tasks = TaskRegistry()
    tokens: list[str] = []
    tasks.register_lambda("notify", lambda event: tokens.append(event["token"]) or {})
    definition = {
        "StartAt": "P",
        "States": {
            "P": {
                "Type": "Parallel",
                "Branches": [
                    {"StartAt": "Sleep", "States": {"Sleep": {"Type": "Wait", "Seconds": 3600, "End": True}}},
                    {"StartAt": "Ask", "States": {"Ask": DEFINITION["States"]["Ask"]}},
                ],
                "End": True,
            }
        },
    }
    runtime = Runtime(
        tasks=tasks,
        clock=WallClock(),
        listeners=[lambda event_type, details: submitted.set() if event_type == "TaskSubmitted" else None],
    )
    outcome: list[Any] = []
    runner = threading.Thread(target=lambda: outcome.append(runtime.start(definition, {}, name="p")))
    runner.start()
    assert submitted.wait(timeout=30)
    # When another thread completes the token and then stops the execution
    arn = "arn:aws:states:us-east-1:111111111111:execution:TestStateMachine:p"
    runtime.send_task_success(tokens[0], {"ok": True}, wait=False)
    runtime.stop(arn)
    # Then the sleeping run returns promptly instead of holding the runtime for an hour
    runner.join(timeout=30)
    assert not runner.is_alive()
    assert outcome[0].status == "ABORTED"
    assert "TaskSucceeded" in outcome[0].history_types()
