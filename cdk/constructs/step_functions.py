"""Step Functions for published flows: the execution role, the log group, and the policies of the callers.

The API creates one state machine per published flow version at runtime (named `deca-<env>-flow-…`), so
the CDK provides what those machines and their creators need, never the machines themselves.
"""

from __future__ import annotations

from collections.abc import Sequence

import aws_cdk as cdk
from aws_cdk import aws_iam as iam
from aws_cdk import aws_logs as logs
from constructs import Construct

from cdk.config import EnvironmentConfig
from cdk.constructs.retention import retention_days

__all__ = ["LIST_ACTIONS", "LOG_DELIVERY_ACTIONS", "TASK_TOKEN_ACTIONS", "XRAY_ACTIONS", "FlowStepFunctions"]

LOG_DELIVERY_ACTIONS = [
    "logs:CreateLogDelivery",
    "logs:GetLogDelivery",
    "logs:UpdateLogDelivery",
    "logs:DeleteLogDelivery",
    "logs:ListLogDeliveries",
    "logs:PutResourcePolicy",
    "logs:DescribeResourcePolicies",
    "logs:DescribeLogGroups",
]
"""Vended-log delivery of Step Functions: AWS documents these with `Resource: "*"` only."""

XRAY_ACTIONS = [
    "xray:PutTraceSegments",
    "xray:PutTelemetryRecords",
    "xray:GetSamplingRules",
    "xray:GetSamplingTargets",
]
"""X-Ray tracing of state machines: these actions support no resource scoping."""

LIST_ACTIONS = ["states:ListStateMachines"]
"""Finding a flow's machine by name: listing has no resource type."""

TASK_TOKEN_ACTIONS = ["states:SendTaskSuccess", "states:SendTaskFailure", "states:SendTaskHeartbeat"]
"""Answering callback tasks (approvals, forms): the actions take a token and have no resource type."""


class FlowStepFunctions(Construct):
    """Roles and logging of the per-flow state machines (name prefix `deca-<env>-flow-`)."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        config: EnvironmentConfig,
        node_function_arns: Sequence[str],
    ) -> None:
        super().__init__(scope, construct_id)
        stack = cdk.Stack.of(self)
        prefix = config.flow_prefix
        self.state_machine_arns = stack.format_arn(
            service="states",
            resource="stateMachine",
            resource_name=f"{prefix}*",
            arn_format=cdk.ArnFormat.COLON_RESOURCE_NAME,
        )
        self.execution_arns = stack.format_arn(
            service="states",
            resource="execution",
            resource_name=f"{prefix}*",
            arn_format=cdk.ArnFormat.COLON_RESOURCE_NAME,
        )
        self.log_group = logs.LogGroup(
            self,
            "Logs",
            log_group_name=f"/aws/vendedlogs/states/{config.prefix}flows",
            retention=retention_days(config.log_retention_days),
            removal_policy=cdk.RemovalPolicy.RETAIN if config.retain_data else cdk.RemovalPolicy.DESTROY,
        )
        self.execution_role = iam.Role(
            self,
            "ExecutionRole",
            role_name=f"{config.prefix}flow-execution",
            assumed_by=iam.ServicePrincipal(
                "states.amazonaws.com",
                conditions={"StringEquals": {"aws:SourceAccount": stack.account}},
            ),
            description="Runs published flows: invokes exactly the node Lambdas, starts sub-flows",
        )
        self.execution_role.add_to_policy(
            iam.PolicyStatement(
                sid="InvokeNodeFunctions",
                actions=["lambda:InvokeFunction"],
                resources=[
                    arn for function_arn in node_function_arns for arn in (function_arn, f"{function_arn}:*")
                ],
            )
        )
        self.execution_role.add_to_policy(
            iam.PolicyStatement(
                sid="SubFlowsAndDistributedMaps",
                actions=["states:StartExecution"],
                resources=[self.state_machine_arns],
            )
        )
        self.execution_role.add_to_policy(
            iam.PolicyStatement(
                sid="SubFlowExecutions",
                actions=["states:DescribeExecution", "states:StopExecution"],
                resources=[self.execution_arns],
            )
        )
        self.execution_role.add_to_policy(
            iam.PolicyStatement(
                sid="SubFlowSyncRule",  # `startExecution.sync` watches the child through this managed rule
                actions=["events:PutTargets", "events:PutRule", "events:DescribeRule"],
                resources=[
                    stack.format_arn(
                        service="events",
                        resource="rule",
                        resource_name="StepFunctionsGetEventsForStepFunctionsExecutionRule",
                    )
                ],
            )
        )
        self.execution_role.add_to_policy(
            iam.PolicyStatement(sid="LogDelivery", actions=LOG_DELIVERY_ACTIONS, resources=["*"])
        )
        self.execution_role.add_to_policy(
            iam.PolicyStatement(sid="Tracing", actions=XRAY_ACTIONS, resources=["*"])
        )
        self.publisher_policy = iam.ManagedPolicy(
            self,
            "PublisherPolicy",
            managed_policy_name=f"{config.prefix}flow-publisher",
            description="Create, update, run and inspect the state machines of published flows",
            statements=[
                iam.PolicyStatement(
                    sid="ManageFlowStateMachines",
                    actions=[
                        "states:CreateStateMachine",
                        "states:UpdateStateMachine",
                        "states:DeleteStateMachine",
                        "states:DescribeStateMachine",
                        "states:PublishStateMachineVersion",
                        "states:ListStateMachineVersions",
                        "states:DeleteStateMachineVersion",
                        "states:ListExecutions",
                        "states:StartExecution",
                        "states:TagResource",
                        "states:ListTagsForResource",
                        "states:ValidateStateMachineDefinition",
                    ],
                    resources=[self.state_machine_arns],
                ),
                iam.PolicyStatement(
                    sid="FlowExecutions",
                    actions=[
                        "states:DescribeExecution",
                        "states:StopExecution",
                        "states:GetExecutionHistory",
                        "states:RedriveExecution",
                    ],
                    resources=[self.execution_arns],
                ),
                iam.PolicyStatement(
                    sid="PassExecutionRole",
                    actions=["iam:PassRole"],
                    resources=[self.execution_role.role_arn],
                    conditions={"StringEquals": {"iam:PassedToService": "states.amazonaws.com"}},
                ),
                iam.PolicyStatement(sid="LogDelivery", actions=LOG_DELIVERY_ACTIONS, resources=["*"]),
                iam.PolicyStatement(sid="AnswerCallbackTasks", actions=TASK_TOKEN_ACTIONS, resources=["*"]),
                iam.PolicyStatement(sid="FindFlowStateMachines", actions=LIST_ACTIONS, resources=["*"]),
            ],
        )
        self.starter_policy = iam.ManagedPolicy(
            self,
            "StarterPolicy",
            managed_policy_name=f"{config.prefix}flow-starter",
            description="Start executions of published flows (triggers)",
            statements=[
                iam.PolicyStatement(actions=["states:StartExecution"], resources=[self.state_machine_arns]),
                iam.PolicyStatement(actions=["states:DescribeExecution"], resources=[self.execution_arns]),
            ],
        )

    def environment(self) -> dict[str, str]:
        """What the API needs to create state machines: role, log group (`DECA_STEPFUNCTIONS_*`)."""
        return {
            "DECA_STEPFUNCTIONS_ROLE_ARN": self.execution_role.role_arn,
            "DECA_STEPFUNCTIONS_LOG_GROUP_ARN": self.log_group.log_group_arn,
        }
