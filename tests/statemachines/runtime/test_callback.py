"""The callback pattern: `.waitForTaskToken` tasks pause until a token is sent back."""

from __future__ import annotations

from typing import Any

import pytest

from statemachines.runtime import FakeClock, Runtime, StatesError, TaskRegistry

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
