"""The node Lambdas: one per Lambda node type, runtime settings, Powertools, tracing, logs, failures, the code runner."""

from __future__ import annotations

import json
from typing import Any

import pytest

from cdk.constructs.node_types import lambda_node_types
from tests.cdk.conftest import Synthesis


def _functions(synthesis: Synthesis, stack: str) -> dict[str, dict[str, Any]]:
    """Function name → properties."""
    return {
        f["Properties"]["FunctionName"]: f["Properties"]
        for f in synthesis.resources(stack, "AWS::Lambda::Function").values()
    }


def test_one_function_per_lambda_node_type_with_its_handler(synthesis: Synthesis) -> None:
    functions = _functions(synthesis, "nodes")

    for node_type in lambda_node_types():
        name = f"deca-{synthesis.env}-node-{node_type}"
        assert functions[name]["Handler"] == f"functions.nodes.{node_type}.lambda_handler"
    assert len(functions) == len(lambda_node_types()) + 1  # and the code runner


@pytest.mark.parametrize("stack", ["nodes", "app"])
def test_every_function_is_python312_on_arm64_with_the_layer(dev: Synthesis, stack: str) -> None:
    for name, props in _functions(dev, stack).items():
        assert (props["Runtime"], props["Architectures"]) == ("python3.12", ["arm64"]), name
        assert len(props["Layers"]) == 1, name


@pytest.mark.parametrize("stack", ["nodes", "app"])
def test_every_function_but_the_code_runner_is_traced(dev: Synthesis, stack: str) -> None:
    for name, props in _functions(dev, stack).items():
        mode = props.get("TracingConfig", {}).get("Mode")
        assert mode == (None if name == "deca-dev-code-runner" else "Active"), name


@pytest.mark.parametrize("stack", ["nodes", "app"])
def test_every_function_has_its_powertools_environment(dev: Synthesis, stack: str) -> None:
    for name, props in _functions(dev, stack).items():
        variables = props["Environment"]["Variables"]
        assert variables["POWERTOOLS_SERVICE_NAME"] == name.removeprefix("deca-dev-"), name
        assert variables["POWERTOOLS_LOG_LEVEL"] == "DEBUG"
        assert variables["POWERTOOLS_METRICS_NAMESPACE"] == "DecaAIStudio/dev"
        logging = props["LoggingConfig"]
        assert (logging["LogFormat"], logging["ApplicationLogLevel"]) == ("JSON", "DEBUG"), name


@pytest.mark.parametrize("stack", ["nodes", "app"])
def test_every_function_logs_to_its_own_group_with_retention(synthesis: Synthesis, stack: str) -> None:
    groups = synthesis.resources(stack, "AWS::Logs::LogGroup")
    names = {g["Properties"].get("LogGroupName"): g for g in groups.values()}
    expected_days = {"dev": 7, "staging": 30, "prod": 365, "feature-x": 14}[synthesis.env]

    for name in _functions(synthesis, stack):
        group = names[f"/aws/lambda/{name}"]
        assert group["Properties"]["RetentionInDays"] == expected_days


def test_prod_keeps_function_logs_when_deleted(prod: Synthesis) -> None:
    for group in prod.resources("nodes", "AWS::Logs::LogGroup").values():
        assert group["DeletionPolicy"] == "Retain"


@pytest.mark.parametrize("stack", ["nodes", "app"])
def test_async_failures_go_to_a_queue(dev: Synthesis, stack: str) -> None:
    configs = dev.resources(stack, "AWS::Lambda::EventInvokeConfig").values()
    functions = _functions(dev, stack)

    assert len(configs) == len(functions) - (1 if stack == "nodes" else 0)  # not the code runner
    for config in configs:
        destination = config["Properties"]["DestinationConfig"]["OnFailure"]["Destination"]
        assert "Fn::GetAtt" in destination and destination["Fn::GetAtt"][1] == "Arn"


def test_node_functions_run_in_the_private_subnets(dev: Synthesis) -> None:
    for name, props in _functions(dev, "nodes").items():
        assert len(props["VpcConfig"]["SubnetIds"]) == 2, name


def test_code_runner_has_no_secrets_and_no_settings(dev: Synthesis) -> None:
    variables = _functions(dev, "nodes")["deca-dev-code-runner"]["Environment"]["Variables"]

    assert not [key for key in variables if key.startswith("DECA_") and key != "DECA_DEPLOYMENT"]


def test_code_runner_role_may_only_write_its_logs_and_attach_to_the_vpc(dev: Synthesis) -> None:
    functions = dev.resources("nodes", "AWS::Lambda::Function")
    (runner_id,) = (
        k for k, f in functions.items() if f["Properties"]["FunctionName"] == "deca-dev-code-runner"
    )
    role_id = functions[runner_id]["Properties"]["Role"]["Fn::GetAtt"][0]
    policies = [
        p
        for p in dev.resources("nodes", "AWS::IAM::Policy").values()
        if {"Ref": role_id} in p["Properties"]["Roles"]
    ]
    actions = {
        a
        for p in policies
        for s in p["Properties"]["PolicyDocument"]["Statement"]
        for a in _list(s["Action"])
    }
    role = dev.resources("nodes", "AWS::IAM::Role")[role_id]

    assert actions <= {"logs:CreateLogStream", "logs:PutLogEvents"} | {
        a for a in actions if a.startswith("ec2:")
    }
    assert "ManagedPolicyArns" not in role["Properties"]


def test_code_runner_reserves_concurrency_in_prod(prod: Synthesis) -> None:
    assert _functions(prod, "nodes")["deca-prod-code-runner"]["ReservedConcurrentExecutions"] == 100


def test_code_node_may_invoke_the_code_runner(dev: Synthesis) -> None:
    code = _functions(dev, "nodes")["deca-dev-node-code"]

    assert code["Environment"]["Variables"]["DECA_CODE_RUNNER_FUNCTION"] == "deca-dev-code-runner"


def test_every_function_has_error_and_throttle_alarms(dev: Synthesis) -> None:
    names = {a["Properties"]["AlarmName"] for a in dev.resources("nodes", "AWS::CloudWatch::Alarm").values()}

    for function in _functions(dev, "nodes"):
        assert {f"{function}-errors", f"{function}-throttles"} <= names


def _list(value: str | list[str]) -> list[str]:
    return [value] if isinstance(value, str) else value


def test_code_runner_runs_in_the_sandbox_subnets_and_group(dev: Synthesis) -> None:
    vpc = _functions(dev, "nodes")["deca-dev-code-runner"]["VpcConfig"]

    # values of the data stack arrive as nested-stack parameters named after their source
    assert all("sandboxSubnet" in subnet["Ref"] for subnet in vpc["SubnetIds"])
    assert all("SandboxSecurityGroup" in group["Ref"] for group in vpc["SecurityGroupIds"])


def test_node_types_running_user_code_use_the_isolated_code_runner(dev: Synthesis) -> None:
    # Given the node functions of the dev environment
    functions = _functions(dev, "nodes")
    for node_type in ("code", "function", "agent", "deca_chatbot"):
        variables = functions[f"deca-dev-node-{node_type}"]["Environment"]["Variables"]
        # Then each one that runs user code (directly or as an agent tool) calls the runner Lambda
        assert "DECA_CODE_RUNNER_FUNCTION" in variables, node_type
    # And a node type that runs no user code does not get it
    assert (
        "DECA_CODE_RUNNER_FUNCTION" not in functions["deca-dev-node-http_request"]["Environment"]["Variables"]
    )


def test_only_human_task_nodes_read_the_link_key(dev: Synthesis) -> None:
    def reads_link_key(construct: str) -> bool:
        policies = dev.resources("nodes", "AWS::IAM::Policy")
        statements = [
            s
            for key, policy in policies.items()
            if key.startswith(construct)
            for s in policy["Properties"]["PolicyDocument"]["Statement"]
        ]
        return any("HitlLinkKey" in json.dumps(s.get("Resource")) for s in statements)

    assert reads_link_key("NodeApproval") and reads_link_key("NodeForm")
    assert not reads_link_key("NodeHttpRequest")
