"""The environment's CloudWatch dashboard and the alarms not owned by a single function.

Failed executions are counted from the flows' vended log group (the API creates every state machine with
logging at level ERROR or above), because Step Functions only publishes per-machine metrics and alarms
cannot aggregate with SEARCH.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import aws_cdk as cdk
from aws_cdk import aws_apigateway as apigateway
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_cloudwatch_actions as cw_actions
from aws_cdk import aws_logs as logs
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sqs as sqs
from constructs import Construct

from cdk.config import EnvironmentConfig

__all__ = ["FAILED_EXECUTION_TYPES", "Monitoring"]

FAILED_EXECUTION_TYPES = ("ExecutionFailed", "ExecutionTimedOut", "ExecutionAborted")
"""History event types that end an execution unsuccessfully."""

_PERIOD = cdk.Duration.minutes(5)


class Monitoring(Construct):
    """Dashboard `deca-<env>`, failed-execution metric and alarm, DLQ depth and API alarms."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        config: EnvironmentConfig,
        alarm_topic: sns.ITopic,
        api: apigateway.RestApi,
        flow_log_group: logs.ILogGroup,
        queues: Sequence[sqs.IQueue],
        function_names: Sequence[str],
    ) -> None:
        super().__init__(scope, construct_id)
        self.config = config
        self._action = cw_actions.SnsAction(alarm_topic)
        self.namespace = f"DecaAIStudio/{config.name}"
        pattern = " || ".join(f'($.type = "{kind}")' for kind in FAILED_EXECUTION_TYPES)
        failed_filter = logs.MetricFilter(
            self,
            "FailedExecutionsFilter",
            log_group=flow_log_group,
            filter_pattern=logs.FilterPattern.literal("{ " + pattern + " }"),
            metric_namespace=self.namespace,
            metric_name="FailedExecutions",
            metric_value="1",
            default_value=0,
        )
        failed = failed_filter.metric(statistic="Sum", period=_PERIOD)
        thresholds = config.alarms
        self.alarms = [
            self._alarm(
                "FailedExecutions",
                failed,
                thresholds.failed_executions,
                "Flow executions failed, timed out or aborted",
            ),
            self._alarm(
                "Api5xx",
                api.metric_server_error(period=_PERIOD, statistic="Sum"),
                thresholds.api_5xx,
                "API 5xx responses",
            ),
            self._alarm(
                "ApiLatency",
                api.metric_latency(period=_PERIOD, statistic="p99"),
                thresholds.api_p99_latency_ms,
                "API p99 latency (ms)",
            ),
        ]
        for queue in queues:
            depth = queue.metric_approximate_number_of_messages_visible(period=_PERIOD, statistic="Maximum")
            self.alarms.append(
                self._alarm(
                    f"Dlq{queue.node.id}",
                    depth,
                    thresholds.dlq_depth,
                    "Messages in a dead-letter queue",
                    queue,
                )
            )
        self.dashboard = self._dashboard(api, failed, queues, function_names)

    def _alarm(
        self,
        name: str,
        metric: cloudwatch.IMetric,
        threshold: int,
        description: str,
        queue: sqs.IQueue | None = None,
    ) -> cloudwatch.Alarm:
        suffix = name.lower() if queue is None else f"dlq-depth-{queue.node.id.lower()}"
        alarm_name = f"{self.config.prefix}{suffix}"
        alarm = cloudwatch.Alarm(
            self,
            f"{name}Alarm",
            alarm_name=alarm_name,
            alarm_description=description,
            metric=metric,
            threshold=threshold,
            evaluation_periods=1,
            comparison_operator=cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
            treat_missing_data=cloudwatch.TreatMissingData.NOT_BREACHING,
        )
        alarm.add_alarm_action(self._action)
        return alarm

    def _dashboard(
        self,
        api: apigateway.RestApi,
        failed: cloudwatch.IMetric,
        queues: Sequence[sqs.IQueue],
        function_names: Sequence[str],
    ) -> cloudwatch.Dashboard:
        dashboard = cloudwatch.Dashboard(self, "Dashboard", dashboard_name=f"{self.config.prefix}overview")
        dashboard.add_widgets(
            cloudwatch.GraphWidget(
                title="API requests and errors",
                left=[
                    api.metric_count(period=_PERIOD),
                    api.metric_client_error(period=_PERIOD),
                    api.metric_server_error(period=_PERIOD),
                ],
                width=12,
            ),
            cloudwatch.GraphWidget(
                title="API latency",
                left=[api.metric_latency(period=_PERIOD, statistic=s) for s in ("p50", "p90", "p99")],
                width=12,
            ),
        )
        # Unquoted terms match tokens of the ARN (split at non-alphanumerics); quoted ones would need the whole ARN.
        tokens = " ".join(
            f"StateMachineArn={t}" for t in re.split(r"[^A-Za-z0-9]+", self.config.flow_prefix) if t
        )
        flow_search = f"{{AWS/States,StateMachineArn}} {tokens}"
        dashboard.add_widgets(
            cloudwatch.GraphWidget(
                title="Flow executions",
                left=[
                    cloudwatch.MathExpression(
                        expression=f"SUM(SEARCH('{flow_search} MetricName=\"{name}\"', 'Sum', 300))",
                        label=name,
                        period=_PERIOD,
                    )
                    for name in ("ExecutionsStarted", "ExecutionsSucceeded")
                ],
                right=[failed],
                width=12,
            ),
            cloudwatch.GraphWidget(
                title="Dead-letter queues",
                left=[
                    q.metric_approximate_number_of_messages_visible(period=_PERIOD, statistic="Maximum")
                    for q in queues
                ],
                width=12,
            ),
        )
        for title, metric_name in (("Lambda errors", "Errors"), ("Lambda throttles", "Throttles")):
            dashboard.add_widgets(
                cloudwatch.GraphWidget(
                    title=title,
                    left=[
                        cloudwatch.Metric(
                            namespace="AWS/Lambda",
                            metric_name=metric_name,
                            dimensions_map={"FunctionName": name},
                            statistic="Sum",
                            period=_PERIOD,
                            label=name.removeprefix(self.config.prefix),
                        )
                        for name in function_names
                    ],
                    width=24,
                    legend_position=cloudwatch.LegendPosition.RIGHT,
                )
            )
        return dashboard
