"""On Step Functions a published parent's `sub_flow` starts its child's deployed state machine; state machines
log errors to the configured log group and are traced; computed ARNs spare listing (moto)."""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from moto import mock_aws

from deca.engines.naming import StateMachineNames, StateMachineTags
from deca.engines.stepfunctions import StepFunctionsEngine
from deca.errors import CompileErrors, InputError, NotFoundError
from deca.stores import Stores
from deca.stores.models import FlowVersion
from statemachines.compiler import compile_flow, parse_flow
from tests.layers.engines.conftest import WORKSPACE, store_flow

ROLE = "arn:aws:iam::123456789012:role/deca-sfn"
LOG_GROUP = "arn:aws:logs:us-east-1:123456789012:log-group:/aws/vendedlogs/states/deca-test-flows:*"

CHILD: dict[str, Any] = {
    "id": "child",
    "name": "Child",
    "nodes": [{"id": "double", "type": "transform", "config": {"output": {"twice": "{{ input.n * 2 }}"}}}],
}
PARENT: dict[str, Any] = {
    "id": "parent",
    "name": "Parent",
    "nodes": [{"id": "run-child", "type": "sub_flow", "config": {"flow_id": "child", "input": {"n": 1}}}],
}


@pytest.fixture
def sfn() -> Iterator[Any]:
    """A moto Step Functions client."""
    with mock_aws():
        yield boto3.client("stepfunctions", region_name="us-east-1")


def _engine(stores: Stores, sfn: Any, *, names: StateMachineNames | None = None) -> StepFunctionsEngine:
    return StepFunctionsEngine(
        stores,
        sfn,
        role_arn=ROLE,
        environment="test",
        sleep=lambda _s: None,
        names=names,
        log_group_arn=LOG_GROUP,
    )


def _publish(engine: StepFunctionsEngine, stores: Stores, document: dict[str, Any], version: int = 1) -> str:
    """What the publish route does: compile with the engine's options, deploy, mark published."""
    record = stores.flows.get(WORKSPACE, document["id"])
    stored = stores.flows.get_version(WORKSPACE, document["id"], version)
    asl = compile_flow(parse_flow(stored.definition), engine.compile_options(WORKSPACE))
    arn = engine.deploy(record, stored, asl)
    stores.flows.update(WORKSPACE, record.model_copy(update={"published_version": version}))
    return arn


def _child_arn_in(sfn: Any, parent_arn: str) -> tuple[str, str]:
    definition = json.loads(sfn.describe_state_machine(stateMachineArn=parent_arn)["definition"])
    state = definition["States"]["run-child"]
    return state["Resource"], state["Arguments"]["StateMachineArn"]


def test_published_parent_starts_the_childs_deployed_state_machine(stores: Stores, sfn: Any) -> None:
    # Given a child published on Step Functions
    engine = _engine(stores, sfn)
    store_flow(stores, CHILD)
    store_flow(stores, PARENT)
    child_arn = _publish(engine, stores, CHILD)

    # When the parent is published
    parent_arn = _publish(engine, stores, PARENT)

    # Then its sub_flow state starts the child's real state machine and waits for it
    resource, target = _child_arn_in(sfn, parent_arn)
    assert resource == "arn:aws:states:::states:startExecution.sync:2"
    assert target == child_arn
    assert sfn.describe_state_machine(stateMachineArn=target)["name"] == "deca-test-flow-ws-1-child-v1"


def test_a_pinned_child_version_is_the_one_started(stores: Stores, sfn: Any) -> None:
    engine = _engine(stores, sfn)
    store_flow(stores, CHILD)
    first = _publish(engine, stores, CHILD)
    stores.flows.add_version(
        WORKSPACE,
        FlowVersion(workspace_id=WORKSPACE, flow_id="child", version=2, definition={**CHILD, "version": 2}),
    )
    _publish(engine, stores, CHILD, version=2)
    pinned = copy.deepcopy(PARENT)
    pinned["nodes"][0]["config"]["version"] = 1
    store_flow(stores, pinned)

    _, target = _child_arn_in(sfn, _publish(engine, stores, pinned))

    assert target == first


def test_publishing_a_parent_of_an_unpublished_child_is_a_compile_error(stores: Stores, sfn: Any) -> None:
    engine = _engine(stores, sfn)
    store_flow(stores, CHILD)  # never published
    store_flow(stores, PARENT)

    with pytest.raises(CompileErrors) as raised:
        _publish(engine, stores, PARENT)

    assert raised.value.errors[0].position == "nodes[0].config.flow_id"
    assert sfn.list_state_machines()["stateMachines"] == []


def test_state_machines_log_errors_without_execution_data_and_are_traced(stores: Stores, sfn: Any) -> None:
    engine = _engine(stores, sfn)
    store_flow(stores, CHILD)

    described = sfn.describe_state_machine(stateMachineArn=_publish(engine, stores, CHILD))

    assert described["loggingConfiguration"] == {
        "level": "ERROR",
        "includeExecutionData": False,
        "destinations": [{"cloudWatchLogsLogGroup": {"logGroupArn": LOG_GROUP}}],
    }
    assert described["tracingConfiguration"] == {"enabled": True}


def test_computed_arns_match_the_deployed_ones_and_an_undeployed_start_is_not_found(
    stores: Stores, sfn: Any
) -> None:
    names = StateMachineNames.from_arn_prefix(
        "arn:aws:states:us-east-1:123456789012:stateMachine:deca-test-flow-"
    )
    engine = _engine(stores, sfn, names=names)
    store_flow(stores, CHILD)

    with pytest.raises(NotFoundError):
        engine.start(WORKSPACE, "child", 1, {})
    arn = _publish(engine, stores, CHILD)
    execution_id = engine.start(WORKSPACE, "child", 1, {"n": 2})

    assert arn == names.arn(WORKSPACE, "child", 1)
    [execution] = sfn.list_executions(stateMachineArn=arn)["executions"]
    assert execution["name"] == execution_id


def test_tags_give_the_workspace_and_flow_of_a_deployed_state_machine(stores: Stores, sfn: Any) -> None:
    engine = _engine(stores, sfn)
    store_flow(stores, CHILD)
    arn = _publish(engine, stores, CHILD)
    other = sfn.create_state_machine(
        name="not-a-flow",
        definition=json.dumps({"StartAt": "A", "States": {"A": {"Type": "Succeed"}}}),
        roleArn=ROLE,
    )["stateMachineArn"]
    tags = StateMachineTags(sfn)

    assert tags(arn) == (WORKSPACE, "child")
    assert tags(arn + ":1") == (WORKSPACE, "child")  # a version ARN
    with pytest.raises(InputError):
        tags(other)
