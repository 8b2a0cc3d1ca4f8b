"""The application stack: API Gateway, Step Functions roles, EventBridge, Scheduler, the NATS bridge, monitoring."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from aws_cdk.assertions import Match

from cdk.constructs.node_types import lambda_node_types
from tests.cdk.conftest import STAGING_NATS_URL, Synthesis


def _statements(synthesis: Synthesis, stack: str, policy_id_part: str) -> list[dict[str, Any]]:
    """Statements of the inline or managed policies whose logical id contains `policy_id_part`."""
    policies = {
        **synthesis.resources(stack, "AWS::IAM::Policy"),
        **synthesis.resources(stack, "AWS::IAM::ManagedPolicy"),
    }
    return [
        s
        for k, p in policies.items()
        if policy_id_part in k
        for s in p["Properties"]["PolicyDocument"]["Statement"]
    ]


def _by_sid(statements: list[dict[str, Any]], sid: str) -> dict[str, Any]:
    (statement,) = (s for s in statements if s.get("Sid") == sid)
    return statement


def _text(value: Any) -> str:
    """A CloudFormation value flattened to text (`Fn::Join` parts concatenated, references named)."""
    if isinstance(value, str):
        return value
    if isinstance(value, list):
        return "".join(_text(v) for v in value)
    if isinstance(value, dict) and "Fn::Join" in value:
        return _text(value["Fn::Join"][1])
    return "<ref>"


def test_api_stage_throttles_traces_and_logs_access(synthesis: Synthesis) -> None:
    synthesis.template("app").has_resource_properties(
        "AWS::ApiGateway::Stage",
        {
            "StageName": synthesis.env,
            "TracingEnabled": True,
            "AccessLogSetting": {
                "DestinationArn": Match.any_value(),
                "Format": Match.string_like_regexp("requestId"),
            },
            "MethodSettings": [
                Match.object_like(
                    {"ThrottlingRateLimit": Match.any_value(), "ThrottlingBurstLimit": Match.any_value()}
                )
            ],
        },
    )


def test_api_answers_cors_preflight_for_the_configured_origin(dev: Synthesis) -> None:
    dev.template("app").has_resource_properties(
        "AWS::ApiGateway::Method",
        {
            "HttpMethod": "OPTIONS",
            "Integration": {
                "IntegrationResponses": [
                    Match.object_like(
                        {
                            "ResponseParameters": Match.object_like(
                                {
                                    "method.response.header.Access-Control-Allow-Origin": "'http://localhost:5173'"
                                }
                            )
                        }
                    )
                ]
            },
        },
    )


def test_webhook_routes_go_to_the_webhook_receiver(dev: Synthesis) -> None:
    resources = dev.resources("app", "AWS::ApiGateway::Resource")
    (webhooks_id,) = (k for k, r in resources.items() if r["Properties"]["PathPart"] == "webhooks")
    (proxy_id,) = (k for k, r in resources.items() if r["Properties"].get("ParentId") == {"Ref": webhooks_id})
    methods = [
        m
        for m in dev.resources("app", "AWS::ApiGateway::Method").values()
        if m["Properties"]["ResourceId"] == {"Ref": proxy_id}
    ]
    (any_method,) = (m for m in methods if m["Properties"]["HttpMethod"] == "ANY")

    uri = any_method["Properties"]["Integration"]["Uri"]["Fn::Join"][1]
    assert any(
        isinstance(part, dict) and part.get("Fn::GetAtt", [""])[0].startswith("WebhookReceiver")
        for part in uri
    )


def test_everything_else_goes_to_the_api_lambda_on_mangum(dev: Synthesis) -> None:
    dev.template("app").has_resource_properties(
        "AWS::Lambda::Function",
        {"FunctionName": "deca-dev-api", "Handler": "api.lambda_handler.handler", "Timeout": 29},
    )
    paths = {r["Properties"]["PathPart"] for r in dev.resources("app", "AWS::ApiGateway::Resource").values()}
    assert paths == {"{proxy+}", "webhooks"}


def test_outputs_api_and_webhook_urls(synthesis: Synthesis) -> None:
    outputs = synthesis.templates["root"]["Outputs"]

    assert {"ApiUrl", "WebhookBaseUrl"} <= set(outputs)
    assert _text(outputs["WebhookBaseUrl"]["Value"]).endswith("webhooks/")


def test_prod_serves_the_api_on_its_custom_domain(prod: Synthesis) -> None:
    template = prod.template("app")

    template.has_resource_properties("AWS::ApiGateway::DomainName", {"DomainName": "api.deca-ai-studio.com"})
    template.has_resource_properties("AWS::CertificateManager::Certificate", {"ValidationMethod": "DNS"})
    assert prod.templates["root"]["Outputs"]["ApiUrl"]["Value"] == "https://api.deca-ai-studio.com/"


def test_one_function_per_service(dev: Synthesis) -> None:
    names = {f["Properties"]["FunctionName"] for f in dev.resources("app", "AWS::Lambda::Function").values()}

    assert names == {
        "deca-dev-api",
        "deca-dev-webhook-receiver",
        "deca-dev-schedule-dispatcher",
        "deca-dev-event-dispatcher",
        "deca-dev-nats-bridge",
        "deca-dev-task-runner",
        "deca-dev-hitl-sweeper",
    }


def test_execution_role_invokes_exactly_the_node_functions(synthesis: Synthesis) -> None:
    statement = _by_sid(_statements(synthesis, "app", "ExecutionRole"), "InvokeNodeFunctions")
    resources = {_text(r) for r in statement["Resource"]}

    expected = {f":function:deca-{synthesis.env}-node-{t}" for t in lambda_node_types()}
    assert {r.removeprefix("arn:<ref>:lambda:<ref>:<ref>") for r in resources} == expected | {
        f"{e}:*" for e in expected
    }
    assert statement["Action"] == "lambda:InvokeFunction"


def test_execution_role_is_assumed_by_step_functions_of_this_account(dev: Synthesis) -> None:
    dev.template("app").has_resource_properties(
        "AWS::IAM::Role",
        {
            "RoleName": "deca-dev-flow-execution",
            "AssumeRolePolicyDocument": {
                "Statement": [
                    Match.object_like(
                        {
                            "Principal": {"Service": "states.amazonaws.com"},
                            "Condition": {"StringEquals": Match.any_value()},
                        }
                    )
                ]
            },
        },
    )


def test_publisher_policy_is_scoped_to_the_flow_prefix(synthesis: Synthesis) -> None:
    statements = _statements(synthesis, "app", "PublisherPolicy")
    manage = _by_sid(statements, "ManageFlowStateMachines")

    assert "states:CreateStateMachine" in manage["Action"]
    assert _text(manage["Resource"]).endswith(f":stateMachine:deca-{synthesis.env}-flow-*")
    pass_role = _by_sid(statements, "PassExecutionRole")
    assert pass_role["Condition"] == {"StringEquals": {"iam:PassedToService": "states.amazonaws.com"}}


def test_api_knows_the_execution_role_and_log_group(dev: Synthesis) -> None:
    (api,) = (
        f
        for f in dev.resources("app", "AWS::Lambda::Function").values()
        if f["Properties"]["FunctionName"] == "deca-dev-api"
    )
    variables = api["Properties"]["Environment"]["Variables"]

    assert {"DECA_STEPFUNCTIONS_ROLE_ARN", "DECA_STEPFUNCTIONS_LOG_GROUP_ARN"} <= set(variables)
    assert variables["DECA_FUNCTION_PREFIX"] == "deca-dev-node-"
    assert variables["DECA_STATE_MACHINE_PREFIX"] == "deca-dev-flow-"


def test_api_knows_where_to_create_schedules(dev: Synthesis) -> None:
    (api,) = (
        f
        for f in dev.resources("app", "AWS::Lambda::Function").values()
        if f["Properties"]["FunctionName"] == "deca-dev-api"
    )
    variables = api["Properties"]["Environment"]["Variables"]

    assert variables["DECA_SCHEDULER_GROUP"] == "deca-dev-schedules"
    assert "ScheduleDispatcher" in str(variables["DECA_SCHEDULER_TARGET_ARN"])
    assert "SchedulerRole" in str(variables["DECA_SCHEDULER_ROLE_ARN"])
    assert "DeliveryFailures" in str(variables["DECA_SCHEDULER_DLQ_ARN"])


def test_configured_nats_url_reaches_the_lambdas_and_the_bridge_keeps_its_secret(
    synthesize: Callable[[str], Synthesis],
) -> None:
    staging = synthesize("staging")
    functions = staging.resources("app", "AWS::Lambda::Function").values()
    (task,) = staging.resources("app", "AWS::ECS::TaskDefinition").values()
    (container,) = task["Properties"]["ContainerDefinitions"]

    assert all(
        f["Properties"]["Environment"]["Variables"]["DECA_NATS_URL"] == STAGING_NATS_URL for f in functions
    )
    assert "DECA_NATS_URL" not in {variable["Name"] for variable in container["Environment"]}
    assert [secret["Name"] for secret in container["Secrets"]] == ["DECA_NATS_URL"]


def test_flow_log_group_is_vended_and_retained_in_prod(prod: Synthesis) -> None:
    groups = prod.resources("app", "AWS::Logs::LogGroup").values()
    (flows,) = (
        g for g in groups if g["Properties"].get("LogGroupName") == "/aws/vendedlogs/states/deca-prod-flows"
    )

    assert flows["DeletionPolicy"] == "Retain"
    assert flows["Properties"]["RetentionInDays"] == 365


def test_execution_status_changes_go_to_the_nats_bridge(dev: Synthesis) -> None:
    rules = dev.resources("app", "AWS::Events::Rule")
    (rule,) = (r for r in rules.values() if r["Properties"]["Name"] == "deca-dev-execution-status")
    pattern = rule["Properties"]["EventPattern"]

    assert pattern["source"] == ["aws.states"]
    assert _text(pattern["detail"]["stateMachineArn"][0]["prefix"]).endswith(":stateMachine:deca-dev-flow-")
    (target,) = rule["Properties"]["Targets"]
    assert target["Arn"]["Fn::GetAtt"][0].startswith("NatsBridge")
    assert "DeadLetterConfig" in target and target["RetryPolicy"]["MaximumRetryAttempts"] == 3


def test_custom_event_bus_feeds_the_event_dispatcher(dev: Synthesis) -> None:
    dev.template("app").has_resource_properties("AWS::Events::EventBus", {"Name": "deca-dev-events"})
    rules = dev.resources("app", "AWS::Events::Rule")
    (rule,) = (r for r in rules.values() if r["Properties"]["Name"] == "deca-dev-custom-events")

    assert rule["Properties"]["Targets"][0]["Arn"]["Fn::GetAtt"][0].startswith("EventDispatcher")


def test_scheduler_group_and_role_invoke_only_the_schedule_dispatcher(dev: Synthesis) -> None:
    dev.template("app").has_resource_properties(
        "AWS::Scheduler::ScheduleGroup", {"Name": "deca-dev-schedules"}
    )
    statements = _statements(dev, "app", "SchedulerRole")
    (invoke,) = (s for s in statements if s["Action"] == "lambda:InvokeFunction")

    assert invoke["Resource"] and all("ScheduleDispatcher" in str(r) for r in invoke["Resource"])


def test_nats_bridge_runs_on_fargate_arm64_with_the_nats_secret(dev: Synthesis) -> None:
    template = dev.template("app")

    template.has_resource_properties(
        "AWS::ECS::TaskDefinition",
        {
            "RequiresCompatibilities": ["FARGATE"],
            "RuntimePlatform": {"CpuArchitecture": "ARM64", "OperatingSystemFamily": "LINUX"},
            "ContainerDefinitions": [
                Match.object_like(
                    {
                        "Secrets": [Match.object_like({"Name": "DECA_NATS_URL"})],
                        "ReadonlyRootFilesystem": True,
                        "MountPoints": [Match.object_like({"ContainerPath": "/tmp", "ReadOnly": False})],
                    }
                )
            ],
        },
    )
    template.has_resource_properties(
        "AWS::ECS::Service",
        {
            "LaunchType": "FARGATE",
            "DeploymentConfiguration": Match.object_like(
                {"DeploymentCircuitBreaker": {"Enable": True, "Rollback": True}}
            ),
        },
    )


def test_dashboard_and_alarms_cover_failures_throttles_and_dlqs(synthesis: Synthesis) -> None:
    names = {
        a["Properties"]["AlarmName"] for a in synthesis.resources("app", "AWS::CloudWatch::Alarm").values()
    }
    prefix = f"deca-{synthesis.env}-"

    assert {f"{prefix}failedexecutions", f"{prefix}api5xx", f"{prefix}apilatency"} <= names
    assert {
        f"{prefix}dlq-depth-{q}" for q in ("nodefailures", "servicefailures", "deliveryfailures")
    } <= names
    assert {f"{prefix}api-errors", f"{prefix}api-throttles"} <= names
    synthesis.template("app").resource_count_is("AWS::CloudWatch::Dashboard", 1)


def test_failed_executions_are_counted_from_the_flow_logs(dev: Synthesis) -> None:
    dev.template("app").has_resource_properties(
        "AWS::Logs::MetricFilter",
        {
            "FilterPattern": Match.string_like_regexp("ExecutionFailed"),
            "MetricTransformations": [
                Match.object_like({"MetricName": "FailedExecutions", "MetricNamespace": "DecaAIStudio/dev"})
            ],
        },
    )


def test_alarms_notify_the_alarm_topic(dev: Synthesis) -> None:
    for alarm in dev.resources("app", "AWS::CloudWatch::Alarm").values():
        (action,) = alarm["Properties"]["AlarmActions"]
        assert "AlarmTopic" in str(action)


def test_queues_are_encrypted(synthesis: Synthesis) -> None:
    for stack in ("nodes", "app"):
        for queue in synthesis.resources(stack, "AWS::SQS::Queue").values():
            assert queue["Properties"]["SqsManagedSseEnabled"] is True


def test_the_human_task_sweeper_runs_every_minute(dev: Synthesis) -> None:
    rules = dev.resources("app", "AWS::Events::Rule")
    (rule,) = (r for r in rules.values() if r["Properties"]["Name"] == "deca-dev-hitl-sweep")
    functions = dev.resources("app", "AWS::Lambda::Function")
    handlers = {f["Properties"]["Handler"] for f in functions.values()}

    assert rule["Properties"]["ScheduleExpression"] == "rate(1 minute)"
    (target,) = rule["Properties"]["Targets"]
    assert target["Arn"]["Fn::GetAtt"][0].startswith("HitlSweeper")
    assert "DeadLetterConfig" in target
    assert "functions.services.hitl_sweeper.lambda_handler" in handlers


def test_the_status_bridge_reads_the_flow_tags_of_flow_state_machines_only(dev: Synthesis) -> None:
    statements = _statements(dev, "app", "NatsBridge")
    tags = _by_sid(statements, "ReadFlowTags")

    assert tags["Action"] == "states:ListTagsForResource"
    assert _text(tags["Resource"]).endswith(":stateMachine:deca-dev-flow-*")


def test_the_api_runs_function_tests_in_the_isolated_code_runner(dev: Synthesis) -> None:
    (api,) = (
        f
        for f in dev.resources("app", "AWS::Lambda::Function").values()
        if f["Properties"]["FunctionName"] == "deca-dev-api"
    )
    invoke = [
        s
        for s in _statements(dev, "app", "ApiRole")
        if "lambda:InvokeFunction" in (s["Action"] if isinstance(s["Action"], list) else [s["Action"]])
    ]

    assert "DECA_CODE_RUNNER_FUNCTION" in api["Properties"]["Environment"]["Variables"]
    assert invoke, "the API may invoke the code runner"
    assert all("CodeRunner" in json.dumps(s["Resource"]) for s in invoke)


def test_human_task_emails_come_only_from_the_configured_sender(
    synthesize: Callable[[str], Synthesis],
) -> None:
    prod, dev = synthesize("prod"), synthesize("dev")
    sweeper = _by_sid(_statements(prod, "app", "HitlSweeper"), "SendHumanTaskEmail")
    approval = _by_sid(_statements(prod, "nodes", "NodeApproval"), "SendHumanTaskEmail")
    variables = [f["Properties"]["Environment"]["Variables"] for f in functions_of(prod, "app")]

    for statement in (sweeper, approval):
        assert statement["Condition"] == {"StringEquals": {"ses:FromAddress": "approvals@example.com"}}
        assert {_text(r).rsplit(":", 1)[-1] for r in statement["Resource"]} == {
            "identity/example.com",
            "identity/approvals@example.com",
        }
    assert any(v.get("DECA_HITL_NOTIFIER") == "ses" for v in variables)
    assert all(
        "SendHumanTaskEmail" not in json.dumps(p) for p in dev.resources("app", "AWS::IAM::Policy").values()
    )
    assert all(
        "DECA_HITL_NOTIFIER" not in f["Properties"]["Environment"]["Variables"]
        for f in functions_of(dev, "app")
    )


def functions_of(synthesis: Synthesis, stack: str) -> list[dict[str, Any]]:
    """The stack's Lambda functions that have an environment (the code runner has none)."""
    return [
        f
        for f in synthesis.resources(stack, "AWS::Lambda::Function").values()
        if "Environment" in f["Properties"]
    ]
