"""Benchmark: the local ASL runtime against moto's Step Functions interpreter, same machines, same run.

    .venv/bin/python benchmarks/asl_runtime.py [--quick]

Machines: a Pass/Choice loop (10,000 transitions), a Map over 1,000 items, and a JSONata-heavy
machine. moto cannot evaluate JSONata (its bridge is a stub), so that machine is compared with
its JSONPath equivalent on moto, and the report says so. Prints transitions per second for both
runtimes and the ratio (goal: at least 50x).
"""

from __future__ import annotations

import argparse
import logging
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from statemachines.runtime import FakeClock, run_definition


def loop_machine(iterations: int) -> dict[str, Any]:
    """Pass + Choice loop: two transitions per iteration."""
    return {
        "StartAt": "Init",
        "States": {
            "Init": {"Type": "Pass", "Result": {"i": 0}, "ResultPath": "$.c", "Next": "Inc"},
            "Inc": {
                "Type": "Pass",
                "Parameters": {"i.$": "States.MathAdd($.c.i, 1)"},
                "ResultPath": "$.c",
                "Next": "Check",
            },
            "Check": {
                "Type": "Choice",
                "Choices": [{"Variable": "$.c.i", "NumericLessThan": iterations, "Next": "Inc"}],
                "Default": "Done",
            },
            "Done": {"Type": "Succeed"},
        },
    }


def map_machine() -> dict[str, Any]:
    """A Map whose iterations shape each item with a Pass."""
    return {
        "StartAt": "Each",
        "States": {
            "Each": {
                "Type": "Map",
                "ItemsPath": "$.items",
                "ItemProcessor": {
                    "StartAt": "Shape",
                    "States": {
                        "Shape": {"Type": "Pass", "Parameters": {"id.$": "$.id", "ok": True}, "End": True}
                    },
                },
                "End": True,
            }
        },
    }


def jsonata_machine(iterations: int) -> dict[str, Any]:
    """A JSONata loop: Assign, Output and Condition expressions on every transition."""
    return {
        "QueryLanguage": "JSONata",
        "StartAt": "Init",
        "States": {
            "Init": {"Type": "Pass", "Assign": {"i": 0, "total": 0}, "Next": "Step"},
            "Step": {
                "Type": "Pass",
                "Assign": {"i": "{% $i + 1 %}", "total": "{% $total + $i * 2 %}"},
                "Output": {"label": "{% 'step ' & $string($i) %}"},
                "Next": "Check",
            },
            "Check": {
                "Type": "Choice",
                "Choices": [{"Condition": f"{{% $i < {iterations} %}}", "Next": "Step"}],
                "Default": "Done",
            },
            "Done": {"Type": "Pass", "Output": {"total": "{% $total %}"}, "End": True},
        },
    }


def transitions(definition: dict[str, Any], payload: Any) -> int:
    """Number of state transitions (StateEntered events) of one execution."""
    result = run_definition(definition, payload, clock=FakeClock())
    return sum(1 for t in result.history_types() if t.endswith("StateEntered"))


def time_deca(definition: dict[str, Any], payload: Any) -> float:
    """Seconds for one execution on the local runtime (compile included)."""
    start = time.perf_counter()
    result = run_definition(definition, payload, clock=FakeClock())
    elapsed = time.perf_counter() - start
    assert result.status == "SUCCEEDED", result
    return elapsed


def time_moto(definition: dict[str, Any], payload: Any) -> float:
    """Seconds for one execution on moto's interpreter (polling describe_execution)."""
    import json

    import boto3
    from moto import mock_aws

    logging.disable(logging.CRITICAL)
    with mock_aws(config={"stepfunctions": {"execute_state_machine": True}}):
        client = boto3.client("stepfunctions", region_name="us-east-1")
        arn = client.create_state_machine(
            name="bench", definition=json.dumps(definition), roleArn="arn:aws:iam::123456789012:role/bench"
        )["stateMachineArn"]
        start = time.perf_counter()
        execution = client.start_execution(stateMachineArn=arn, input=json.dumps(payload))["executionArn"]
        while (status := client.describe_execution(executionArn=execution)["status"]) == "RUNNING":
            time.sleep(0.002)
        elapsed = time.perf_counter() - start
    assert status == "SUCCEEDED", status
    return elapsed


def report(name: str, count: int, deca: float, moto: float | None, note: str = "") -> None:
    """One line per machine."""
    deca_rate = count / deca
    if moto is None:
        print(f"{name:<34} {count:>7} transitions  deca {deca_rate:>10,.0f}/s  moto {'n/a':>8}        {note}")
        return
    moto_rate = count / moto
    print(
        f"{name:<34} {count:>7} transitions  deca {deca_rate:>10,.0f}/s  moto {moto_rate:>8,.0f}/s  "
        f"ratio {deca_rate / moto_rate:>6.0f}x  {note}"
    )


def main() -> int:
    """Run the three machines on both runtimes and print the comparison."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="smaller machines (for a fast smoke run)")
    args = parser.parse_args()
    loop_n = 500 if args.quick else 5_000
    items = 100 if args.quick else 1_000

    print("runtime comparison (higher is better); moto runs the same definitions in-process")
    cases: list[tuple[str, dict[str, Any], Any, Callable[[], float] | None, str]] = []
    loop = loop_machine(loop_n)
    cases.append((f"Pass/Choice loop ({2 * loop_n:,} transitions)", loop, {}, None, ""))
    mapped = map_machine()
    payload = {"items": [{"id": i} for i in range(items)]}
    cases.append((f"Map over {items:,} items", mapped, payload, None, ""))
    for name, definition, data, _, note in cases:
        count = transitions(definition, data)
        report(name, count, time_deca(definition, data), time_moto(definition, data), note)
    ja = jsonata_machine(loop_n)
    count = transitions(ja, {})
    deca_seconds = time_deca(ja, {})
    report(f"JSONata loop ({count:,} transitions)", count, deca_seconds, None, "moto cannot evaluate JSONata")
    moto_equivalent = time_moto(loop, {})
    moto_rate = (2 * loop_n + 2) / moto_equivalent
    print(
        f"{'  vs moto on the JSONPath loop':<34} {'':>7}              deca {count / deca_seconds:>10,.0f}/s  "
        f"moto {moto_rate:>8,.0f}/s  ratio {count / deca_seconds / moto_rate:>6.0f}x  (JSONPath equivalent on moto)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
