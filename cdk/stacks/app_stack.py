"""The application stack of an environment: service Lambdas, API Gateway, Step Functions roles, EventBridge
(bus, rules, Scheduler group and role), the NATS bridge on Fargate, the dashboard and alarms."""

from __future__ import annotations

import aws_cdk as cdk
from aws_cdk import aws_events as events
from aws_cdk import aws_events_targets as targets
from aws_cdk import aws_iam as iam
from aws_cdk import aws_scheduler as scheduler
from aws_cdk import aws_sqs as sqs
from constructs import Construct

from cdk.config import EnvironmentConfig
from cdk.constructs.grants import grant_key_use, grant_secret_read
from cdk.constructs.lambda_function import (
    DecaFunction,
    FunctionSettings,
    SharedFunctionProps,
    failures_queue,
    shared_layer,
)
from cdk.constructs.monitoring import Monitoring
from cdk.constructs.nats_bridge import NatsBridgeService
from cdk.constructs.python_assets import LambdaPackaging
from cdk.constructs.rest_api import DecaRestApi
from cdk.constructs.step_functions import FlowStepFunctions
from cdk.stacks.data_stack import DataStack
from cdk.stacks.nodes_stack import NodesStack, grant_data_access
from cdk.stacks.shared_environment import grant_notification_email, shared_environment

__all__ = ["SERVICES", "AppStack"]

SERVICES = (
    "webhook_receiver",
    "schedule_dispatcher",
    "event_dispatcher",
    "nats_bridge",
    "task_runner",
    "hitl_sweeper",
)
"""Service modules under `functions/services/` (besides the code runner, which lives with the nodes)."""


class AppStack(cdk.NestedStack):
    """Everything stateless that is not a node function."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        config: EnvironmentConfig,
        data: DataStack,
        nodes: NodesStack,
        packaging: LambdaPackaging,
    ) -> None:
        super().__init__(
            scope,
            construct_id,
            description=f"DECA AI Studio {config.name}: API, services, Step Functions roles, EventBridge, bridge, monitoring",
        )
        self.config = config
        self.data = data
        self.nodes = nodes
        self.service_failures = self._queue("ServiceFailures", "service-failures")
        self.delivery_failures = self._queue("DeliveryFailures", "delivery-failures")
        self.step_functions = FlowStepFunctions(
            self,
            "StepFunctions",
            config=config,
            node_function_arns=[self._function_arn(node.function_name) for node in nodes.functions.values()],
        )
        self.event_bus = events.EventBus(self, "EventBus", event_bus_name=f"{config.prefix}events")
        self.schedule_group = scheduler.CfnScheduleGroup(
            self, "ScheduleGroup", name=f"{config.prefix}schedules"
        )
        self.shared = SharedFunctionProps(
            config=config,
            code=packaging.function_code(),
            layer=shared_layer(self, config, packaging),
            vpc=data.vpc,
            failures=self.service_failures,
            alarm_topic=data.alarm_topic,
            environment={
                **shared_environment(self, config, data),
                "DECA_EVENT_BUS_NAME": self.event_bus.event_bus_name,
                "DECA_NATS_SECRET_ARN": data.nats_secret.secret_arn,
            },
        )
        self.services = {name: self._service(name) for name in SERVICES}
        self.scheduler_role = self._scheduler_role()
        self.api_function = self._api_function()
        self.rest_api = DecaRestApi(
            self,
            "RestApi",
            config=config,
            api_function=self.api_function.function,
            webhook_function=self.services["webhook_receiver"].function,
        )
        self._grants()
        self._rules()
        self.bridge = NatsBridgeService(
            self,
            "BridgeService",
            config=config,
            vpc=data.vpc,
            security_groups=[data.bridge_security_group],
            nats_secret=data.nats_secret,
            secret_key=data.data_key,
            environment=self.shared.environment,
        )
        grant_data_access(self.bridge.task_role, data, prefixes=("payloads/",))
        self.step_functions.starter_policy.attach_to_role(self.bridge.task_role)
        self.event_bus.grant_put_events_to(self.bridge.task_role)
        function_names = [
            f.function_name
            for f in (
                *nodes.functions.values(),
                nodes.code_runner,
                self.api_function,
                *self.services.values(),
            )
        ]
        self.monitoring = Monitoring(
            self,
            "Monitoring",
            config=config,
            alarm_topic=data.alarm_topic,
            api=self.rest_api.api,
            flow_log_group=self.step_functions.log_group,
            queues=[nodes.failures, self.service_failures, self.delivery_failures],
            function_names=function_names,
        )

    def _queue(self, construct_id: str, name: str) -> sqs.Queue:
        return failures_queue(self, construct_id, f"{self.config.prefix}{name}")

    def _function_arn(self, function_name: str) -> str:
        return self.format_arn(
            service="lambda",
            resource="function",
            resource_name=function_name,
            arn_format=cdk.ArnFormat.COLON_RESOURCE_NAME,
        )

    def _service(self, module: str) -> DecaFunction:
        config = self.config
        name = module.replace("_", "-")
        settings = FunctionSettings(
            name=name,
            handler=f"functions.services.{module}.lambda_handler",
            service=name,
            memory_mb=config.service_memory_mb,
            timeout_seconds=29 if module == "webhook_receiver" else 60,  # 29 s: API Gateway's limit
            security_groups=[self.data.lambda_security_group],
            reserved_concurrency=config.task_runner_reserved_concurrency if module == "task_runner" else None,
            description=f"DECA service {name} ({config.name})",
        )
        return DecaFunction(self, "".join(p.capitalize() for p in module.split("_")), self.shared, settings)

    def _api_function(self) -> DecaFunction:
        config = self.config
        schedule_dispatcher = self.services["schedule_dispatcher"].function
        environment = {
            **self.step_functions.environment(),
            "DECA_STEPFUNCTIONS_LOG_LEVEL": "ERROR",
            "DECA_SCHEDULER_GROUP": self.schedule_group.name or "",
            "DECA_SCHEDULER_ROLE_ARN": self.scheduler_role.role_arn,
            "DECA_SCHEDULER_TARGET_ARN": schedule_dispatcher.function_arn,
            "DECA_SCHEDULER_DLQ_ARN": self.delivery_failures.queue_arn,
            "DECA_CORS_ORIGINS": ",".join(config.cors_origins),
            # function test runs (POST /functions/{id}/test) go to the isolated code runner, never in the API
            "DECA_CODE_RUNNER_FUNCTION": self.nodes.code_runner.function_name,
        }
        return DecaFunction(
            self,
            "Api",
            self.shared,
            FunctionSettings(
                name="api",
                handler="api.lambda_handler.handler",
                service="api",
                memory_mb=config.api_memory_mb,
                timeout_seconds=29,  # API Gateway's integration limit
                environment=environment,
                security_groups=[self.data.lambda_security_group],
                description=f"DECA API on Mangum ({config.name})",
            ),
        )

    def _scheduler_role(self) -> iam.Role:
        role = iam.Role(
            self,
            "SchedulerRole",
            role_name=f"{self.config.prefix}scheduler",
            assumed_by=iam.ServicePrincipal(
                "scheduler.amazonaws.com", conditions={"StringEquals": {"aws:SourceAccount": self.account}}
            ),
            description="EventBridge Scheduler: invokes the schedule dispatcher for schedule triggers",
        )
        self.services["schedule_dispatcher"].function.grant_invoke(role)
        self.delivery_failures.grant_send_messages(role)
        return role

    def _grants(self) -> None:
        data, api_role = self.data, self.api_function.role
        grant_data_access(api_role, data, prefixes=("",))
        grant_key_use(api_role, data.credentials_key, ["kms:Encrypt", "kms:Decrypt", "kms:GenerateDataKey"])
        grant_secret_read(api_role, data.nats_secret, data.data_key)
        self.step_functions.publisher_policy.attach_to_role(api_role)
        self.event_bus.grant_put_events_to(api_role)
        self.nodes.code_runner.function.grant_invoke(api_role)  # function test runs
        schedules = self.format_arn(
            service="scheduler", resource="schedule", resource_name=f"{self.schedule_group.name}/*"
        )
        api_role.add_to_principal_policy(
            iam.PolicyStatement(
                sid="ManageFlowSchedules",
                actions=[
                    "scheduler:CreateSchedule",
                    "scheduler:UpdateSchedule",
                    "scheduler:DeleteSchedule",
                    "scheduler:GetSchedule",
                ],
                resources=[schedules],
            )
        )
        api_role.add_to_principal_policy(
            iam.PolicyStatement(
                sid="PassSchedulerRole",
                actions=["iam:PassRole"],
                resources=[self.scheduler_role.role_arn],
                conditions={"StringEquals": {"iam:PassedToService": "scheduler.amazonaws.com"}},
            )
        )
        for name in ("webhook_receiver", "schedule_dispatcher", "event_dispatcher"):
            role = self.services[name].role
            grant_data_access(role, data, prefixes=("payloads/",))
            self.step_functions.starter_policy.attach_to_role(role)
        bridge = self.services["nats_bridge"].role
        grant_secret_read(bridge, data.nats_secret, data.data_key)
        grant_data_access(bridge, data, prefixes=("payloads/",))
        self.step_functions.starter_policy.attach_to_role(bridge)
        bridge.add_to_principal_policy(  # status events name a state machine: its tags give workspace and flow
            iam.PolicyStatement(
                sid="ReadFlowTags",
                actions=["states:ListTagsForResource"],
                resources=[self.step_functions.state_machine_arns],
            )
        )
        runner = self.services["task_runner"].role
        grant_data_access(runner, data, prefixes=("payloads/", "knowledge/", "exports/", "reports/"))
        grant_secret_read(runner, data.nats_secret, data.data_key)
        grant_key_use(runner, data.credentials_key, ["kms:Decrypt"])
        sweeper = self.services["hitl_sweeper"].role
        grant_secret_read(sweeper, data.atlas_secret, data.data_key)  # the human task store
        for role in (api_role, sweeper):  # they verify and sign human task links
            grant_secret_read(role, data.hitl_link_secret, data.data_key)
        grant_key_use(sweeper, data.credentials_key, ["kms:Decrypt"])  # a Slack notifier's credential
        grant_notification_email(self, self.config, sweeper)  # escalations notify the next assignees

    def _rules(self) -> None:
        status = events.Rule(
            self,
            "ExecutionStatusRule",
            rule_name=f"{self.config.prefix}execution-status",
            description="Flow execution status changes → the NATS bridge publisher",
            event_pattern=events.EventPattern(
                source=["aws.states"],
                detail_type=["Step Functions Execution Status Change"],
                detail={
                    "stateMachineArn": events.Match.prefix(self.step_functions.state_machine_arns.rstrip("*"))
                },
            ),
        )
        status.add_target(self._target("nats_bridge"))
        custom = events.Rule(
            self,
            "CustomEventsRule",
            rule_name=f"{self.config.prefix}custom-events",
            description="Every event on the DECA bus → the event dispatcher (matches event triggers)",
            event_bus=self.event_bus,
            event_pattern=events.EventPattern(account=[self.account]),
        )
        custom.add_target(self._target("event_dispatcher"))
        sweep = events.Rule(
            self,
            "HumanTaskSweepRule",
            rule_name=f"{self.config.prefix}hitl-sweep",
            description="Every minute → the human task sweeper (escalates and expires approval and form requests)",
            schedule=events.Schedule.rate(cdk.Duration.minutes(1)),
        )
        sweep.add_target(self._target("hitl_sweeper"))

    def _target(self, service: str) -> targets.LambdaFunction:
        return targets.LambdaFunction(
            self.services[service].function,
            dead_letter_queue=self.delivery_failures,
            retry_attempts=3,
            max_event_age=cdk.Duration.hours(2),
        )
