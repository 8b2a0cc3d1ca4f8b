"""Definition validation: every message names the state and the field."""

from __future__ import annotations

from typing import Any

import pytest

from statemachines.runtime import DefinitionError, validate_definition


def machine(**states: Any) -> dict[str, Any]:
    return {"StartAt": next(iter(states)), "States": states}


@pytest.mark.parametrize(
    ("definition", "state", "field", "fragment"),
    [
        ({"States": {"A": {"Type": "Succeed"}}}, None, "StartAt", "missing 'StartAt'"),
        ({"StartAt": "B", "States": {"A": {"Type": "Succeed"}}}, None, "StartAt", "unknown state 'B'"),
        (machine(A={"Type": "Pass", "Next": "Nowhere"}), "A", "Next", "unknown state 'Nowhere'"),
        (machine(A={"Type": "Pass"}), "A", "Next", "exactly one of 'Next' or 'End'"),
        (machine(A={"Type": "Bogus", "End": True}), "A", "Type", "unknown Type 'Bogus'"),
        (
            machine(A={"Type": "Pass", "QueryLanguage": "JSONata", "InputPath": "$", "End": True}),
            "A",
            "InputPath",
            "not allowed with QueryLanguage JSONata",
        ),
        (
            machine(A={"Type": "Pass", "Output": {}, "End": True}),
            "A",
            "Output",
            "not allowed with QueryLanguage JSONPath",
        ),
        (machine(A={"Type": "Choice", "Choices": []}), "A", "Choices", "non-empty 'Choices'"),
        (machine(A={"Type": "Task", "End": True}), "A", "Resource", "'Resource'"),
        (
            machine(
                A={
                    "Type": "Task",
                    "Resource": "arn:x",
                    "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "Z"}],
                    "End": True,
                }
            ),
            "A",
            "Catch.Next",
            "unknown state 'Z'",
        ),
        (machine(A={"Type": "Wait", "End": True}), "A", "Seconds", "exactly one of Seconds"),
        (
            machine(A={"Type": "Pass", "Retry": [{"ErrorEquals": ["States.ALL"]}], "End": True}),
            "A",
            "Retry",
            "only allowed in Task, Map and Parallel",
        ),
        (
            machine(
                A={
                    "Type": "Task",
                    "Resource": "arn:aws:states:::lambda:invoke",
                    "Retry": [{"ErrorEquals": ["States.ALL", "X"]}],
                    "End": True,
                }
            ),
            "A",
            "Retry",
            "'States.ALL' must appear alone",
        ),
    ],
    ids=[
        "no-startat",
        "bad-startat",
        "unknown-next",
        "no-next-no-end",
        "unknown-type",
        "jsonata-inputpath",
        "jsonpath-output",
        "empty-choices",
        "task-no-resource",
        "catch-unknown-next",
        "wait-without-time",
        "retry-on-pass",
        "states-all-not-alone",
    ],
)
def test_invalid_definition_names_state_and_field(
    definition: dict[str, Any], state: str | None, field: str, fragment: str
) -> None:
    with pytest.raises(DefinitionError) as caught:
        validate_definition(definition)
    assert (caught.value.state, caught.value.field) == (state, field)
    assert fragment in caught.value.message
    if state is not None:
        assert f"'{state}'" in caught.value.message


def test_nested_branch_errors_name_the_inner_state() -> None:
    definition = machine(
        P={"Type": "Parallel", "End": True, "Branches": [machine(Inner={"Type": "Pass", "Next": "Gone"})]}
    )
    with pytest.raises(DefinitionError) as caught:
        validate_definition(definition)
    assert caught.value.state == "Inner"


def test_valid_definition_passes() -> None:
    validate_definition(machine(A={"Type": "Pass", "Next": "B"}, B={"Type": "Succeed"}))


def test_unsupported_resource_is_a_definition_error() -> None:
    from statemachines.runtime import run_definition

    with pytest.raises(DefinitionError) as caught:
        run_definition(machine(A={"Type": "Task", "Resource": "arn:aws:sqs:nope", "End": True}))
    assert caught.value.state == "A"
