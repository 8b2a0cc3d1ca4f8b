"""The Step Functions engine against moto: state machines per version, start, describe, stop, history, redrive.

moto does not run JSONata machines, so these tests check the API calls and their mapping to records,
not execution results.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import boto3
import pytest
from botocore.stub import ANY, Stubber
from moto import mock_aws

from deca.engines import ExecutionNotRedrivable, state_machine_name
from deca.engines.stepfunctions import StepFunctionsEngine
from deca.errors import NotFoundError
from deca.stores import Stores
from statemachines.compiler import CompileOptions, compile_checked, validate_document
from tests.layers.engines.conftest import WORKSPACE

ROLE = "arn:aws:iam::123456789012:role/deca-sfn"


@pytest.fixture
def sfn() -> Iterator[Any]:
    """A moto Step Functions client."""
    with mock_aws():
        yield boto3.client("stepfunctions", region_name="us-east-1")


@pytest.fixture
def sfn_engine(stores: Stores, sfn: Any) -> StepFunctionsEngine:
    """The engine on moto, environment `test`."""
    return StepFunctionsEngine(stores, sfn, role_arn=ROLE, environment="test", sleep=lambda _s: None)


def _deploy(engine: StepFunctionsEngine, stores: Stores, flow_id: str = "greeting") -> str:
    record = stores.flows.get(WORKSPACE, flow_id)
    version = stores.flows.get_version(WORKSPACE, flow_id, 1)
    asl = compile_checked(validate_document(version.definition), CompileOptions(workspace_id=WORKSPACE))
    return engine.deploy(record, version, asl)


def test_state_machine_name_follows_the_convention() -> None:
    assert state_machine_name("dev", "ws-1", "greeting", 3) == "deca-dev-flow-ws-1-greeting-v3"


def test_long_or_odd_names_are_sanitised_to_80_characters() -> None:
    name = state_machine_name("prod", "w" * 60, "flow:with.dots" + "f" * 60, 12)

    assert len(name) <= 80
    assert name.startswith("deca-prod-flow-") and name.endswith("-v12")
    assert all(c.isalnum() or c in "-_" for c in name)


def test_distinct_long_flows_get_distinct_names() -> None:
    first = state_machine_name("prod", "w" * 60, "a" * 70 + "1", 1)
    second = state_machine_name("prod", "w" * 60, "a" * 70 + "2", 1)

    assert first != second


def test_deploy_creates_one_tagged_state_machine_per_version(
    sfn_engine: StepFunctionsEngine, stores: Stores, sfn: Any
) -> None:
    arn = _deploy(sfn_engine, stores)

    machine = sfn.describe_state_machine(stateMachineArn=arn)
    tags = {t["key"]: t["value"] for t in sfn.list_tags_for_resource(resourceArn=arn)["tags"]}
    assert machine["name"] == "deca-test-flow-ws-1-greeting-v1"
    assert json.loads(machine["definition"])["QueryLanguage"] == "JSONata"
    assert machine["roleArn"] == ROLE
    assert tags == {"deca:workspace": WORKSPACE, "deca:flow": "greeting", "deca:version": "1"}


def test_deploying_again_updates_the_same_state_machine(
    sfn_engine: StepFunctionsEngine, stores: Stores, sfn: Any
) -> None:
    first = _deploy(sfn_engine, stores)
    fresh = StepFunctionsEngine(stores, sfn, role_arn=ROLE, environment="test")  # no cached ARNs

    second = _deploy(fresh, stores)

    assert first == second
    assert len(sfn.list_state_machines()["stateMachines"]) == 1


def test_undeploy_deletes_the_state_machine(
    sfn_engine: StepFunctionsEngine, stores: Stores, sfn: Any
) -> None:
    _deploy(sfn_engine, stores)

    sfn_engine.undeploy(WORKSPACE, "greeting", 1)

    assert sfn.list_state_machines()["stateMachines"] == []


def test_start_names_the_execution_by_its_id_and_records_it(
    sfn_engine: StepFunctionsEngine, stores: Stores, sfn: Any
) -> None:
    machine = _deploy(sfn_engine, stores)

    execution_id = sfn_engine.start(WORKSPACE, "greeting", 1, {"name": "Ada"})

    [execution] = sfn.list_executions(stateMachineArn=machine)["executions"]
    assert execution["name"] == execution_id
    assert stores.executions.get(WORKSPACE, execution_id).input == {"name": "Ada"}


def test_start_with_the_same_name_is_one_execution(
    sfn_engine: StepFunctionsEngine, stores: Stores, sfn: Any
) -> None:
    machine = _deploy(sfn_engine, stores)

    first = sfn_engine.start(WORKSPACE, "greeting", 1, {}, name="order-42")
    second = sfn_engine.start(WORKSPACE, "greeting", 1, {}, name="order-42")

    assert first == second
    assert len(sfn.list_executions(stateMachineArn=machine)["executions"]) == 1


def test_start_of_an_undeployed_version_is_not_found(sfn_engine: StepFunctionsEngine) -> None:
    with pytest.raises(NotFoundError):
        sfn_engine.start(WORKSPACE, "greeting", 1, {})


def test_stop_cancels_the_execution(sfn_engine: StepFunctionsEngine, stores: Stores, sfn: Any) -> None:
    _deploy(sfn_engine, stores)
    execution_id = sfn_engine.start(WORKSPACE, "greeting", 1, {})

    record = sfn_engine.stop(WORKSPACE, execution_id, error="Cancelled", cause="test")

    assert record.status == "cancelled"
    assert record.end_time is not None


def test_history_maps_aws_events(sfn_engine: StepFunctionsEngine, stores: Stores) -> None:
    _deploy(sfn_engine, stores)
    execution_id = sfn_engine.start(WORKSPACE, "greeting", 1, {})

    events = sfn_engine.history(WORKSPACE, execution_id)

    assert events[0].type == "ExecutionStarted"
    assert events[0].event_id == 1
    assert "roleArn" in events[0].details


def _stubbed(
    stores: Stores, responses: list[tuple[str, dict[str, Any], dict[str, Any] | None]]
) -> StepFunctionsEngine:
    client = boto3.client("stepfunctions", region_name="us-east-1")
    stubber = Stubber(client)
    for operation, response, expected in responses:
        stubber.add_response(operation, response, expected)
    stubber.activate()
    return StepFunctionsEngine(stores, client, role_arn=ROLE, environment="test")


MACHINE_ARN = "arn:aws:states:us-east-1:123456789012:stateMachine:deca-test-flow-ws-1-greeting-v1"
LIST = (
    "list_state_machines",
    {
        "stateMachines": [
            {
                "stateMachineArn": MACHINE_ARN,
                "name": "deca-test-flow-ws-1-greeting-v1",
                "type": "STANDARD",
                "creationDate": datetime(2026, 1, 1, tzinfo=UTC),
            }
        ]
    },
    None,
)


def _failed_execution(stores: Stores) -> str:
    from deca.stores.models import ExecutionRecord

    stores.executions.create(
        WORKSPACE,
        ExecutionRecord(
            workspace_id=WORKSPACE, execution_id="e1", flow_id="greeting", flow_version=1, status="failed"
        ),
    )
    return "e1"


def test_redrive_calls_redrive_execution_and_marks_running(stores: Stores) -> None:
    execution_id = _failed_execution(stores)
    engine = _stubbed(
        stores,
        [
            LIST,
            (
                "redrive_execution",
                {"redriveDate": datetime(2026, 1, 1, tzinfo=UTC)},
                {
                    "executionArn": MACHINE_ARN.replace(":stateMachine:", ":execution:") + ":e1",
                    "clientToken": ANY,
                },
            ),
        ],
    )

    record = engine.redrive(WORKSPACE, execution_id)

    assert record.status == "running"


def test_describe_maps_a_failed_aws_execution(stores: Stores) -> None:
    from deca.stores.models import ExecutionRecord

    stores.executions.create(
        WORKSPACE,
        ExecutionRecord(workspace_id=WORKSPACE, execution_id="e2", flow_id="greeting", flow_version=1),
    )
    engine = _stubbed(
        stores,
        [
            LIST,
            (
                "describe_execution",
                {
                    "executionArn": MACHINE_ARN.replace(":stateMachine:", ":execution:") + ":e2",
                    "stateMachineArn": MACHINE_ARN,
                    "status": "FAILED",
                    "startDate": datetime(2026, 1, 1, tzinfo=UTC),
                    "stopDate": datetime(2026, 1, 1, 0, 0, 2, tzinfo=UTC),
                    "error": "Boom",
                    "cause": "it broke",
                },
                None,
            ),
            ("get_execution_history", {"events": []}, None),
        ],
    )

    record = engine.describe(WORKSPACE, "e2")

    assert record.status == "failed"
    assert record.error_details == {"error": "Boom", "cause": "it broke"}


def test_redrive_of_a_running_execution_is_refused(sfn_engine: StepFunctionsEngine, stores: Stores) -> None:
    _deploy(sfn_engine, stores)
    execution_id = sfn_engine.start(WORKSPACE, "greeting", 1, {})

    with pytest.raises(ExecutionNotRedrivable):
        sfn_engine.redrive(WORKSPACE, execution_id)


def test_pending_tasks_come_from_scheduled_callback_tasks(stores: Stores) -> None:
    from deca.stores.models import ExecutionRecord

    stores.executions.create(
        WORKSPACE,
        ExecutionRecord(workspace_id=WORKSPACE, execution_id="e3", flow_id="greeting", flow_version=1),
    )
    payload = {
        "node_id": "ask",
        "node_type": "approval",
        "config": {"title": "Refund?"},
        "task_token": "tok-1",
    }
    scheduled = {
        "timestamp": datetime(2026, 1, 1, tzinfo=UTC),
        "type": "TaskScheduled",
        "id": 3,
        "previousEventId": 2,
        "taskScheduledEventDetails": {
            "resourceType": "lambda",
            "resource": "invoke.waitForTaskToken",
            "region": "us-east-1",
            "parameters": json.dumps({"FunctionName": "deca-node-approval", "Payload": payload}),
        },
    }
    engine = _stubbed(stores, [LIST, ("get_execution_history", {"events": [scheduled]}, None)])

    [task] = engine.pending_tasks(WORKSPACE, "e3")

    assert (task.node_id, task.node_type, task.task_token, task.config) == (
        "ask",
        "approval",
        "tok-1",
        {"title": "Refund?"},
    )
