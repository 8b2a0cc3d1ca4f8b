"""The service Lambdas run in-process on sample events: outputs and published messages, not call order."""

from __future__ import annotations

import base64
import json
import time
from typing import Any

import boto3
from moto import mock_aws

from deca.bus import TaskResult, from_stepfunctions_event
from deca.engines.naming import state_machine_name
from deca.stores import Stores
from deca.triggers.webhook_signatures import sign_standard
from functions.services import (
    event_dispatcher,
    nats_bridge,
    schedule_dispatcher,
    task_runner,
    webhook_receiver,
)
from tests.functions.services.conftest import (
    WORKSPACE,
    LambdaContextStub,
    publish,
    published_flow_executes,
    store_secret,
)

SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
BODY = b'{"order": 7}'


def _webhook_event(headers: dict[str, str], body: bytes = BODY, path: str = "orders/new") -> dict[str, Any]:
    return {
        "version": "2.0",
        "rawPath": f"/webhooks/{WORKSPACE}/{path}",
        "headers": {"content-type": "application/json", **headers},
        "queryStringParameters": {"source": "shop"},
        "requestContext": {"http": {"method": "POST"}},
        "pathParameters": {"workspace": WORKSPACE, "path": path},
        "body": base64.b64encode(body).decode(),
        "isBase64Encoded": True,
    }


def _signed(msg_id: str = "msg_1") -> dict[str, str]:
    stamp = int(time.time())
    return {
        "webhook-id": msg_id,
        "webhook-timestamp": str(stamp),
        "webhook-signature": sign_standard(SECRET, msg_id, stamp, BODY),
    }


def test_signed_webhook_starts_one_execution(stores: Stores, lambda_context: LambdaContextStub) -> None:
    # Given a published flow whose webhook is signed with a stored secret
    store_secret(stores, "orders-hook", SECRET)
    publish(
        stores,
        "orders",
        {
            "type": "webhook",
            "path": "/orders/new",
            "signature": "standard",
            "secret_credential": "orders-hook",
        },
    )
    # When the same signed delivery arrives twice
    first = webhook_receiver.lambda_handler(_webhook_event(_signed()), lambda_context)
    again = webhook_receiver.lambda_handler(_webhook_event(_signed()), lambda_context)
    # Then 202 both times with the same execution, and one flow.execute carrying the request
    assert (first["statusCode"], again["statusCode"], again["headers"]["Idempotent-Replay"]) == (
        202,
        202,
        "true",
    )
    assert json.loads(first["body"]) == json.loads(again["body"])
    (message,) = published_flow_executes()
    assert (message.flow_id, message.trigger_data["body"], message.trigger_data["query"]) == (
        "orders",
        {"order": 7},
        {"source": "shop"},
    )


def test_unsigned_webhook_is_refused(stores: Stores, lambda_context: LambdaContextStub) -> None:
    store_secret(stores, "orders-hook", SECRET)
    publish(stores, "orders", {"type": "webhook", "path": "/orders/new", "secret_credential": "orders-hook"})
    response = webhook_receiver.lambda_handler(_webhook_event({}), lambda_context)
    assert (response["statusCode"], published_flow_executes()) == (401, [])


def test_webhook_whose_secret_is_missing_fails_closed(
    stores: Stores, lambda_context: LambdaContextStub
) -> None:
    publish(
        stores,
        "orders",
        {"type": "webhook", "path": "/orders/new", "signature": "standard", "secret_credential": "gone"},
    )
    response = webhook_receiver.lambda_handler(_webhook_event(_signed()), lambda_context)
    assert (response["statusCode"], published_flow_executes()) == (401, [])


def test_unknown_webhook_path_is_404(stores: Stores, lambda_context: LambdaContextStub) -> None:
    response = webhook_receiver.lambda_handler(_webhook_event({}, path="nothing/here"), lambda_context)
    assert response["statusCode"] == 404


def test_schedule_delivery_starts_a_named_execution_once(
    stores: Stores, lambda_context: LambdaContextStub
) -> None:
    publish(
        stores,
        "report",
        {"type": "manual"},
        {"type": "schedule", "cron": "0 8 * * *", "input": {"kind": "daily"}},
    )
    delivery = {
        "workspace_id": WORKSPACE,
        "flow_id": "report",
        "trigger_index": 1,
        "scheduled_time": "2024-05-01T08:00:00Z",
    }
    first = schedule_dispatcher.lambda_handler(delivery, lambda_context)
    schedule_dispatcher.lambda_handler(delivery, lambda_context)
    assert first["execution_name"] == "report-1-20240501T080000Z"
    assert [(m.execution_id, m.trigger_data) for m in published_flow_executes()] == [
        ("report-1-20240501T080000Z", {"kind": "daily"})
    ]


def test_schedule_of_an_unpublished_flow_starts_nothing(
    stores: Stores, lambda_context: LambdaContextStub
) -> None:
    delivery = {
        "workspace_id": WORKSPACE,
        "flow_id": "gone",
        "trigger_index": 0,
        "scheduled_time": "2024-05-01T08:00:00Z",
    }
    result = schedule_dispatcher.lambda_handler(delivery, lambda_context)
    assert (result, published_flow_executes()) == ({"execution_name": None}, [])


def test_schedule_delivery_starts_step_functions_when_configured(
    stores: Stores, lambda_context: LambdaContextStub, monkeypatch: Any
) -> None:
    publish(stores, "report", {"type": "schedule", "cron": "0 8 * * *"})
    with mock_aws():
        sfn = boto3.client("stepfunctions", region_name="us-east-1")
        machine = sfn.create_state_machine(
            name=state_machine_name("test", WORKSPACE, "report", 1),
            definition=json.dumps({"StartAt": "Done", "States": {"Done": {"Type": "Succeed"}}}),
            roleArn="arn:aws:iam::123456789012:role/sfn",
        )
        monkeypatch.setenv(
            "DECA_STATE_MACHINE_ARN_PREFIX", machine["stateMachineArn"].rsplit(":", 1)[0] + ":deca-test-flow-"
        )
        delivery = {
            "workspace_id": WORKSPACE,
            "flow_id": "report",
            "trigger_index": 0,
            "scheduled_time": "2024-05-01T08:00:00Z",
        }
        schedule_dispatcher.lambda_handler(delivery, lambda_context)
        schedule_dispatcher.lambda_handler(delivery, lambda_context)
        executions = sfn.list_executions(stateMachineArn=machine["stateMachineArn"])["executions"]
    # one execution, recorded under the schedule's idempotent name and named on AWS by its id
    [record] = stores.executions.list(WORKSPACE, flow_id="report").items
    assert record.name == "report-0-20240501T080000Z"
    assert [e["name"] for e in executions] == [record.execution_id]


def test_event_fans_out_to_matching_published_flows(
    stores: Stores, lambda_context: LambdaContextStub
) -> None:
    publish(stores, "celebrate", {"type": "event", "pattern": {"detail-type": ["deal.won"]}})
    publish(stores, "win-back", {"type": "event", "pattern": {"detail-type": ["deal.lost"]}})
    event = {
        "version": "0",
        "id": "evt-1",
        "detail-type": "deal.won",
        "source": "crm",
        "account": "123456789012",
        "time": "2024-05-01T08:00:00Z",
        "region": "us-east-1",
        "resources": [],
        "detail": {"workspace_id": WORKSPACE, "amount": 10},
    }
    result = event_dispatcher.lambda_handler(event, lambda_context)
    assert [m.flow_id for m in published_flow_executes()] == ["celebrate"]
    assert len(result["started"]) == 1


def test_status_change_is_published_as_state_and_complete(
    stores: Stores, lambda_context: LambdaContextStub
) -> None:
    # Given a flow version's state machine, named and tagged as the Step Functions engine does
    nats_bridge.flow_of_state_machine.cache_clear()
    with mock_aws():
        sfn = boto3.client("stepfunctions", region_name="us-east-1")
        machine = sfn.create_state_machine(
            name=state_machine_name("test", WORKSPACE, "long-flow-name", 3),
            definition=json.dumps({"StartAt": "Done", "States": {"Done": {"Type": "Succeed"}}}),
            roleArn="arn:aws:iam::123456789012:role/sfn",
            tags=[
                {"key": "deca:workspace", "value": WORKSPACE},
                {"key": "deca:flow", "value": "long-flow-name"},
            ],
        )["stateMachineArn"]
        event = {
            "detail-type": "Step Functions Execution Status Change",
            "source": "aws.states",
            "detail": {
                "executionArn": machine.replace(":stateMachine:", ":execution:") + ":exec-1",
                "stateMachineArn": machine,
                "name": "exec-1",
                "status": "SUCCEEDED",
                "startDate": 1714550400000,
                "stopDate": 1714550401000,
                "output": '{"ok": true}',
            },
        }
        # When its execution ends, Then flow.state and flow.complete name the flow its tags give
        published = nats_bridge.lambda_handler(event, lambda_context)
        changed = from_stepfunctions_event(event, nats_bridge.flow_of_state_machine())
    nats_bridge.flow_of_state_machine.cache_clear()

    assert published == {"published": ["flow.state", "flow.complete"]}
    assert (changed.workspace_id, changed.flow_id, changed.execution_id) == (
        WORKSPACE,
        "long-flow-name",
        "exec-1",
    )


def test_task_runner_runs_a_report(stores: Stores, lambda_context: LambdaContextStub, tmp_path: Any) -> None:
    task = {
        "type": "task.execute",
        "task_id": "t-1",
        "task_type": "report",
        "workspace_id": WORKSPACE,
        "params": {},
    }
    result = TaskResult.model_validate(task_runner.lambda_handler(task, lambda_context))
    assert (result.status, result.result["key"]) == ("succeeded", f"reports/{WORKSPACE}/t-1.json")
