"""Interpreter behaviour: data flow, variables and scoping, Map/Parallel, Retry/Catch, timeouts, history."""

from __future__ import annotations

import itertools
import threading
from typing import Any

import pytest

from statemachines.runtime import FakeClock, TaskRegistry, run_definition


def machine(start: str, states: dict[str, Any], **top: Any) -> dict[str, Any]:
    return {"StartAt": start, "States": states, **top}


def test_pass_choice_loop_counts_to_the_limit() -> None:
    definition = machine(
        "Inc",
        {
            "Inc": {"Type": "Pass", "Parameters": {"i.$": "States.MathAdd($.i, 1)"}, "Next": "Check"},
            "Check": {
                "Type": "Choice",
                "Choices": [{"Variable": "$.i", "NumericLessThan": 100, "Next": "Inc"}],
                "Default": "Done",
            },
            "Done": {"Type": "Succeed"},
        },
    )
    result = run_definition(definition, {"i": 0}, clock=FakeClock())
    assert result.to_dict() == {"status": "SUCCEEDED", "output": {"i": 100}}


def test_map_iterations_see_outer_variables_but_do_not_leak_theirs() -> None:
    definition = machine(
        "Set",
        {
            "Set": {"Type": "Pass", "Assign": {"factor": 10}, "Result": [1, 2], "Next": "Loop"},
            "Loop": {
                "Type": "Map",
                "ItemProcessor": {
                    "StartAt": "Use",
                    "States": {
                        "Use": {
                            "Type": "Pass",
                            "Assign": {"inner": 1},
                            "Parameters": {"v.$": "$", "f.$": "$factor"},
                            "End": True,
                        }
                    },
                },
                "Next": "After",
            },
            "After": {"Type": "Pass", "Parameters": {"leaked.$": "$inner"}, "End": True},
        },
    )
    leaked = run_definition(definition, {}, clock=FakeClock())
    assert (leaked.status, leaked.error) == ("FAILED", "States.Runtime")
    assert "The JSONPath '$inner' specified for the field 'leaked.$' could not be found" in (
        leaked.cause or ""
    )
    seen = run_definition(
        {**definition, "States": {**definition["States"], "After": {"Type": "Pass", "End": True}}},
        {},
        clock=FakeClock(),
    )
    assert seen.output == [{"v": 1, "f": 10}, {"v": 2, "f": 10}]


def test_parallel_outputs_follow_branch_order() -> None:
    branches = [
        machine(
            "W",
            {
                "W": {"Type": "Wait", "Seconds": 30 - i * 10, "Next": "R"},
                "R": {"Type": "Pass", "Result": i, "End": True},
            },
        )
        for i in range(3)
    ]
    definition = machine("P", {"P": {"Type": "Parallel", "Branches": branches, "End": True}})
    clock = FakeClock()
    start = clock.now()
    result = run_definition(definition, {}, clock=clock)
    assert result.output == [0, 1, 2]
    # the branches wait concurrently: 30 s in total, not 60
    assert clock.now() - start == 30


def test_map_max_concurrency_one_runs_iterations_in_order() -> None:
    definition = machine(
        "M",
        {
            "M": {
                "Type": "Map",
                "MaxConcurrency": 1,
                "ItemProcessor": {"StartAt": "P", "States": {"P": {"Type": "Pass", "End": True}}},
                "End": True,
            }
        },
    )
    result = run_definition(definition, [1, 2], clock=FakeClock())
    assert result.history_types()[3:11] == [
        "MapIterationStarted",
        "PassStateEntered",
        "PassStateExited",
        "MapIterationSucceeded",
        "MapIterationStarted",
        "PassStateEntered",
        "PassStateExited",
        "MapIterationSucceeded",
    ]


def test_retry_waits_with_backoff_on_the_clock() -> None:
    calls: list[float] = []
    clock = FakeClock()
    tasks = TaskRegistry()

    def flaky(event: Any) -> Any:
        calls.append(clock.now())
        if len(calls) < 3:
            raise TimeoutError("try again")
        return "ok"

    tasks.register_lambda("flaky", flaky)
    definition = machine(
        "T",
        {
            "T": {
                "Type": "Task",
                "Resource": "arn:aws:lambda:us-east-1:111111111111:function:flaky",
                "Retry": [{"ErrorEquals": ["TimeoutError"], "IntervalSeconds": 2, "BackoffRate": 3}],
                "End": True,
            }
        },
    )
    result = run_definition(definition, {}, tasks=tasks, clock=clock)
    assert result.output == "ok"
    assert [b - a for a, b in itertools.pairwise(calls)] == [2, 6]


def test_catch_puts_error_output_at_result_path() -> None:
    definition = machine(
        "F",
        {
            "F": {
                "Type": "Parallel",
                "Branches": [machine("X", {"X": {"Type": "Fail", "Error": "Boom", "Cause": "why"}})],
                "Catch": [{"ErrorEquals": ["Boom"], "ResultPath": "$.err", "Next": "Done"}],
                "End": True,
            },
            "Done": {"Type": "Succeed"},
        },
    )
    result = run_definition(definition, {"keep": 1}, clock=FakeClock())
    assert result.output == {"keep": 1, "err": {"Error": "Boom", "Cause": "why"}}


def test_runtime_errors_are_not_caught() -> None:
    definition = machine(
        "P",
        {
            "P": {"Type": "Pass", "OutputPath": "$.missing", "End": True},
        },
    )
    result = run_definition(definition, {}, clock=FakeClock())
    assert (result.status, result.error) == ("FAILED", "States.Runtime")
    assert "(entered at the event id #2)" in (result.cause or "")


def test_machine_timeout_times_out_the_execution() -> None:
    definition = machine("W", {"W": {"Type": "Wait", "Seconds": 100, "End": True}}, TimeoutSeconds=5)
    clock = FakeClock()
    start = clock.now()
    result = run_definition(definition, {}, clock=clock)
    assert result.status == "TIMED_OUT"
    assert clock.now() - start == 5
    assert result.history_types()[-1] == "ExecutionTimedOut"


def test_jsonata_output_and_assign_use_old_variable_values() -> None:
    definition = machine(
        "A",
        {
            "A": {"Type": "Pass", "Assign": {"x": 1}, "Next": "B"},
            "B": {
                "Type": "Pass",
                "Assign": {"x": "{% $x + 1 %}"},
                "Output": {"seen": "{% $x %}"},
                "Next": "C",
            },
            "C": {"Type": "Pass", "Output": "{% $x %}", "End": True},
        },
        QueryLanguage="JSONata",
    )
    result = run_definition(definition, {}, clock=FakeClock())
    assert result.output == 2
    b_exit = [e for e in result.history if e["type"] == "PassStateExited"][1]
    assert b_exit["stateExitedEventDetails"]["output"] == '{"seen":1}'


def test_history_events_have_ids_and_aws_details() -> None:
    result = run_definition(machine("A", {"A": {"Type": "Pass", "End": True}}), {"k": 1}, clock=FakeClock())
    events = result.history
    assert [e["id"] for e in events] == [1, 2, 3, 4]
    assert [e["previousEventId"] for e in events] == [0, 1, 2, 3]
    assert events[1]["stateEnteredEventDetails"] == {
        "name": "A",
        "input": '{"k":1}',
        "inputDetails": {"truncated": False},
    }
    assert events[3]["executionSucceededEventDetails"]["output"] == '{"k":1}'


def test_listener_sees_state_events_as_they_happen() -> None:
    seen: list[str] = []
    run_definition(
        machine("A", {"A": {"Type": "Pass", "Next": "B"}, "B": {"Type": "Succeed"}}),
        {},
        clock=FakeClock(),
        listeners=[lambda event_type, details: seen.append(f"{event_type}:{details.get('name', '')}")],
    )
    assert seen == [
        "ExecutionStarted:",
        "PassStateEntered:A",
        "PassStateExited:A",
        "SucceedStateEntered:B",
        "SucceedStateExited:B",
        "ExecutionSucceeded:",
    ]


@pytest.mark.parametrize("size", [300 * 1024])
def test_oversized_task_result_is_data_limit_exceeded(size: int) -> None:
    tasks = TaskRegistry()
    tasks.register_lambda("big", lambda event: "x" * size)
    definition = machine(
        "T",
        {
            "T": {
                "Type": "Task",
                "Resource": "arn:aws:states:::lambda:invoke",
                "Parameters": {"FunctionName": "big"},
                "End": True,
            }
        },
    )
    result = run_definition(definition, {}, tasks=tasks, clock=FakeClock())
    assert result.error == "States.DataLimitExceeded"


def test_blocking_handlers_of_parallel_branches_run_concurrently() -> None:
    # each handler waits until all three are running at once: this only ends if they run concurrently
    barrier = threading.Barrier(3, timeout=10)
    tasks = TaskRegistry()
    tasks.register_lambda("meet", lambda event: barrier.wait() >= 0 and event)
    branch = {
        "StartAt": "T",
        "States": {
            "T": {
                "Type": "Task",
                "Resource": "arn:aws:lambda:us-east-1:111111111111:function:meet",
                "End": True,
            }
        },
    }
    definition = machine("P", {"P": {"Type": "Parallel", "Branches": [branch, branch, branch], "End": True}})
    result = run_definition(definition, {"x": 1}, tasks=tasks, clock=FakeClock())
    assert result.output == [{"x": 1}, {"x": 1}, {"x": 1}]


def test_map_results_stay_in_item_order_when_handlers_finish_out_of_order() -> None:
    release = {i: threading.Event() for i in range(3)}

    def handler(event: Any) -> Any:
        # item 2 finishes first, then 1, then 0
        if event < 2:
            release[event + 1].wait(timeout=10)
        release[event].set()
        return event * 10

    tasks = TaskRegistry()
    tasks.register_lambda("h", handler)
    definition = machine(
        "M",
        {
            "M": {
                "Type": "Map",
                "ItemProcessor": {
                    "StartAt": "T",
                    "States": {
                        "T": {
                            "Type": "Task",
                            "Resource": "arn:aws:lambda:us-east-1:111111111111:function:h",
                            "End": True,
                        }
                    },
                },
                "End": True,
            }
        },
    )
    assert run_definition(definition, [0, 1, 2], tasks=tasks, clock=FakeClock()).output == [0, 10, 20]


def test_map_results_over_the_payload_limit_fail_the_map() -> None:
    definition = machine(
        "M",
        {
            "M": {
                "Type": "Map",
                "ItemProcessor": {
                    "StartAt": "P",
                    "States": {"P": {"Type": "Pass", "Result": "x" * 2000, "End": True}},
                },
                "End": True,
            }
        },
    )
    result = run_definition(definition, list(range(200)), clock=FakeClock())
    assert (result.status, result.error) == ("FAILED", "States.DataLimitExceeded")
    assert result.history_types()[-2:] == ["MapStateFailed", "ExecutionFailed"]


def _distributed_map(**fields: Any) -> dict[str, Any]:
    processor = {
        "ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"},
        "StartAt": "Check",
        "States": {
            "Check": {
                "Type": "Choice",
                "Choices": [{"Variable": "$", "NumericGreaterThan": 1, "Next": "Bad"}],
                "Default": "Good",
            },
            "Bad": {"Type": "Fail", "Error": "TooBig"},
            "Good": {"Type": "Pass", "End": True},
        },
    }
    return machine("M", {"M": {"Type": "Map", "ItemProcessor": processor, "End": True, **fields}})


def test_distributed_map_tolerates_failures_up_to_the_threshold() -> None:
    result = run_definition(_distributed_map(ToleratedFailureCount=1), [0, 1, 2], clock=FakeClock())
    assert result.status == "SUCCEEDED"
    assert result.output[:2] == [0, 1]
    assert result.history_types()[3:5] == ["MapRunStarted", "MapRunSucceeded"]


def test_distributed_map_over_the_threshold_fails_the_map_run() -> None:
    result = run_definition(_distributed_map(ToleratedFailurePercentage=10), [0, 1, 2], clock=FakeClock())
    assert (result.status, result.error) == ("FAILED", "States.ExceedToleratedFailureThreshold")
    assert result.history_types()[-4:] == [
        "MapRunStarted",
        "MapRunFailed",
        "MapStateFailed",
        "ExecutionFailed",
    ]


def test_item_batcher_groups_items_with_the_batch_input() -> None:
    definition = machine(
        "M",
        {
            "M": {
                "Type": "Map",
                "ItemBatcher": {"MaxItemsPerBatch": 2, "BatchInput": {"run.$": "$.run"}},
                "ItemsPath": "$.items",
                "ItemProcessor": {
                    "ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"},
                    "StartAt": "P",
                    "States": {"P": {"Type": "Pass", "End": True}},
                },
                "End": True,
            }
        },
    )
    result = run_definition(definition, {"run": 7, "items": [1, 2, 3]}, clock=FakeClock())
    assert result.output == [
        {"Items": [1, 2], "BatchInput": {"run": 7}},
        {"Items": [3], "BatchInput": {"run": 7}},
    ]


def test_item_reader_reads_items_through_a_registered_integration() -> None:
    tasks = TaskRegistry()
    tasks.register_service("arn:aws:states:::s3:getObject", lambda params: [params["Key"], "b", "c"])
    definition = machine(
        "M",
        {
            "M": {
                "Type": "Map",
                "ItemReader": {
                    "Resource": "arn:aws:states:::s3:getObject",
                    "ReaderConfig": {"InputType": "JSON", "MaxItems": 2},
                    "Parameters": {"Bucket": "b", "Key.$": "$.key"},
                },
                "ItemProcessor": {
                    "ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"},
                    "StartAt": "P",
                    "States": {"P": {"Type": "Pass", "End": True}},
                },
                "End": True,
            }
        },
    )
    assert run_definition(definition, {"key": "a"}, tasks=tasks, clock=FakeClock()).output == ["a", "b"]
