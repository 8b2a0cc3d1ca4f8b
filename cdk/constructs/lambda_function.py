"""One DECA Lambda: its own role (logs of its own log group only, plus what the caller grants), Python 3.12
on arm64 with the shared layer, Powertools environment, X-Ray, log retention, an on-failure destination
for asynchronous invocations and its error and throttle alarms."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import aws_cdk as cdk
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_cloudwatch_actions as cw_actions
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_lambda_destinations as destinations
from aws_cdk import aws_logs as logs
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sqs as sqs
from constructs import Construct

from cdk.config import EnvironmentConfig
from cdk.constructs.python_assets import LambdaPackaging
from cdk.constructs.retention import retention_days

__all__ = [
    "ENI_ACTIONS",
    "DecaFunction",
    "FunctionSettings",
    "SharedFunctionProps",
    "failures_queue",
    "shared_layer",
]

ENI_ACTIONS = [
    "ec2:CreateNetworkInterface",
    "ec2:DescribeNetworkInterfaces",
    "ec2:DescribeSubnets",
    "ec2:DeleteNetworkInterface",
    "ec2:AssignPrivateIpAddresses",
    "ec2:UnassignPrivateIpAddresses",
]
"""What Lambda needs to attach a function to a VPC; EC2 supports no resource scoping for all of them."""


_APPLICATION_LOG_LEVELS = {
    "DEBUG": lambda_.ApplicationLogLevel.DEBUG,
    "INFO": lambda_.ApplicationLogLevel.INFO,
    "WARNING": lambda_.ApplicationLogLevel.WARN,
    "WARN": lambda_.ApplicationLogLevel.WARN,
    "ERROR": lambda_.ApplicationLogLevel.ERROR,
}


@dataclass(frozen=True)
class SharedFunctionProps:
    """What every function of a stack shares: config, code, layer, network, failures queue, alarm topic."""

    config: EnvironmentConfig
    code: lambda_.Code
    layer: lambda_.ILayerVersion
    vpc: ec2.IVpc
    failures: sqs.IQueue
    alarm_topic: sns.ITopic
    environment: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class FunctionSettings:
    """What differs per function."""

    name: str
    handler: str
    service: str
    memory_mb: int
    timeout_seconds: int = 30
    environment: Mapping[str, str] = field(default_factory=dict)
    security_groups: Sequence[ec2.ISecurityGroup] = ()
    subnet_type: ec2.SubnetType = ec2.SubnetType.PRIVATE_WITH_EGRESS
    reserved_concurrency: int | None = None
    tracing: bool = True
    isolated: bool = False
    """Sandboxed: no shared environment, no tracing, no failure destination (no permission beyond logs)."""
    description: str = ""


class DecaFunction(Construct):
    """A function named `deca-<env>-<name>` with its own least-privilege role and log group."""

    def __init__(
        self, scope: Construct, construct_id: str, shared: SharedFunctionProps, settings: FunctionSettings
    ) -> None:
        super().__init__(scope, construct_id)
        config = shared.config
        self.function_name = f"{config.prefix}{settings.name}"
        removal = cdk.RemovalPolicy.RETAIN if config.retain_data else cdk.RemovalPolicy.DESTROY
        self.log_group = logs.LogGroup(
            self,
            "Logs",
            log_group_name=f"/aws/lambda/{self.function_name}",
            retention=retention_days(config.log_retention_days),
            removal_policy=removal,
        )
        self.role = iam.Role(
            self,
            "Role",
            assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"),
            description=f"Execution role of {self.function_name} (least privilege)",
        )
        self.role.add_to_policy(
            iam.PolicyStatement(
                actions=["logs:CreateLogStream", "logs:PutLogEvents"],
                resources=[self.log_group.log_group_arn],
            )
        )
        self.role.add_to_policy(iam.PolicyStatement(actions=ENI_ACTIONS, resources=["*"]))
        environment = {
            "POWERTOOLS_SERVICE_NAME": settings.service,
            "POWERTOOLS_LOG_LEVEL": config.log_level,
            "POWERTOOLS_METRICS_NAMESPACE": f"DecaAIStudio/{config.name}",
            "DECA_DEPLOYMENT": config.name,
        }
        if not settings.isolated:
            environment.update(shared.environment)
        environment.update(settings.environment)
        self.function = lambda_.Function(
            self,
            "Function",
            function_name=self.function_name,
            description=settings.description or f"DECA {settings.service} ({config.name})",
            runtime=lambda_.Runtime.PYTHON_3_12,
            architecture=lambda_.Architecture.ARM_64,
            handler=settings.handler,
            code=shared.code,
            layers=[shared.layer],
            memory_size=settings.memory_mb,
            timeout=cdk.Duration.seconds(settings.timeout_seconds),
            role=self.role,
            log_group=self.log_group,
            logging_format=lambda_.LoggingFormat.JSON,
            # With JSON logs Lambda filters by level itself (default INFO): keep it in step with Powertools.
            application_log_level_v2=_APPLICATION_LOG_LEVELS.get(
                config.log_level, lambda_.ApplicationLogLevel.INFO
            ),
            system_log_level_v2=lambda_.SystemLogLevel.WARN,
            environment=environment,
            tracing=lambda_.Tracing.ACTIVE
            if settings.tracing and not settings.isolated
            else lambda_.Tracing.DISABLED,
            vpc=shared.vpc,
            vpc_subnets=ec2.SubnetSelection(subnet_type=settings.subnet_type),
            security_groups=list(settings.security_groups),
            allow_public_subnet=False,
            reserved_concurrent_executions=settings.reserved_concurrency,
            retry_attempts=None if settings.isolated else config.async_retry_attempts,
            max_event_age=None if settings.isolated else cdk.Duration.hours(6),
            on_failure=None if settings.isolated else destinations.SqsDestination(shared.failures),
        )
        self._alarms(shared.alarm_topic, config)

    def _alarms(self, topic: sns.ITopic, config: EnvironmentConfig) -> None:
        action = cw_actions.SnsAction(topic)
        period = cdk.Duration.minutes(5)
        for metric_name, threshold, metric in (
            ("Errors", config.alarms.lambda_errors, self.function.metric_errors(period=period)),
            ("Throttles", config.alarms.lambda_throttles, self.function.metric_throttles(period=period)),
        ):
            alarm = cloudwatch.Alarm(
                self,
                f"{metric_name}Alarm",
                alarm_name=f"{self.function_name}-{metric_name.lower()}",
                alarm_description=f"{metric_name} of {self.function_name}",
                metric=metric,
                threshold=threshold,
                evaluation_periods=1,
                comparison_operator=cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
                treat_missing_data=cloudwatch.TreatMissingData.NOT_BREACHING,
            )
            alarm.add_alarm_action(action)


def shared_layer(
    scope: Construct, config: EnvironmentConfig, packaging: LambdaPackaging
) -> lambda_.LayerVersion:
    """The stack's `deca-<env>-shared` layer (each stack has its own version: no cross-stack layer export)."""
    return lambda_.LayerVersion(
        scope,
        "SharedLayer",
        layer_version_name=f"{config.prefix}shared",
        description="deca, statemachines and the runtime dependencies",
        code=packaging.layer_code(),
        compatible_runtimes=[lambda_.Runtime.PYTHON_3_12],
        compatible_architectures=[lambda_.Architecture.ARM_64],
    )


def failures_queue(scope: Construct, construct_id: str, queue_name: str) -> sqs.Queue:
    """An encrypted, TLS-only dead-letter queue keeping messages for 14 days."""
    return sqs.Queue(
        scope,
        construct_id,
        queue_name=queue_name,
        encryption=sqs.QueueEncryption.SQS_MANAGED,
        enforce_ssl=True,
        retention_period=cdk.Duration.days(14),
    )
