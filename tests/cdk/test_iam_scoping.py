"""IAM scoping on every synthesised template: no wildcard actions, `Resource: "*"` only where AWS requires it."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from cdk.constructs.lambda_function import ENI_ACTIONS
from cdk.constructs.step_functions import LIST_ACTIONS, LOG_DELIVERY_ACTIONS, TASK_TOKEN_ACTIONS, XRAY_ACTIONS
from tests.cdk.conftest import Synthesis

UNSCOPABLE_ACTIONS = {
    *ENI_ACTIONS,
    *LOG_DELIVERY_ACTIONS,
    *XRAY_ACTIONS,
    *TASK_TOKEN_ACTIONS,
    *LIST_ACTIONS,
    "ecr:GetAuthorizationToken",  # ECS pulling the bridge image
}
"""Actions AWS offers no resource-level scoping for (see each constant's docstring)."""

_POLICY_TYPES = ("AWS::IAM::Policy", "AWS::IAM::ManagedPolicy", "AWS::IAM::Role")


def _identity_statements(synthesis: Synthesis) -> Iterator[tuple[str, dict[str, Any]]]:
    """`(where, statement)` of every identity policy (inline, managed, role policies) of every stack."""
    for stack in synthesis.templates:
        for policy_type in _POLICY_TYPES:
            for logical_id, resource in synthesis.resources(stack, policy_type).items():
                documents = [resource["Properties"].get("PolicyDocument")]
                documents += [p["PolicyDocument"] for p in resource["Properties"].get("Policies", [])]
                for document in filter(None, documents):
                    for statement in document["Statement"]:
                        yield f"{stack}/{logical_id}", statement


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def test_no_statement_allows_every_action(synthesis: Synthesis) -> None:
    for where, statement in _identity_statements(synthesis):
        for action in _as_list(statement.get("Action", [])):
            assert action != "*" and not action.endswith(":*"), f"{where}: {action}"


def test_unscoped_resources_only_for_actions_aws_cannot_scope(synthesis: Synthesis) -> None:
    for where, statement in _identity_statements(synthesis):
        if statement["Effect"] == "Allow" and "*" in _as_list(statement.get("Resource", [])):
            actions = set(_as_list(statement["Action"]))
            assert actions <= UNSCOPABLE_ACTIONS, f"{where}: {sorted(actions - UNSCOPABLE_ACTIONS)}"


def test_lambda_roles_use_no_aws_managed_policies(synthesis: Synthesis) -> None:
    for stack in ("nodes", "app"):
        for logical_id, role in synthesis.resources(stack, "AWS::IAM::Role").items():
            principal = role["Properties"]["AssumeRolePolicyDocument"]["Statement"][0]["Principal"]
            if principal.get("Service") == "lambda.amazonaws.com":
                assert "ManagedPolicyArns" not in role["Properties"], logical_id


def test_kms_use_through_services_is_bound_to_that_service(dev: Synthesis) -> None:
    for where, statement in _identity_statements(dev):
        actions = set(_as_list(statement.get("Action", [])))
        if actions & {"kms:Decrypt", "kms:GenerateDataKey"} and "Condition" in statement:
            assert "kms:ViaService" in statement["Condition"]["StringEquals"], where


def test_key_policies_give_all_actions_only_to_the_account_for_iam_delegation(dev: Synthesis) -> None:
    for logical_id, key in dev.resources("data", "AWS::KMS::Key").items():
        for statement in key["Properties"]["KeyPolicy"]["Statement"]:
            if "kms:*" in _as_list(statement["Action"]):
                # The default key policy: IAM policies of this account decide (the statements above).
                assert ":root" in str(statement["Principal"]["AWS"]), logical_id
            else:  # CloudWatch publishing alarms, or this account through Secrets Manager only
                through_service = "kms:ViaService" in statement.get("Condition", {}).get("StringEquals", {})
                assert statement["Principal"] == {"Service": "cloudwatch.amazonaws.com"} or through_service, (
                    logical_id
                )
