"""API Gateway REST API: everything → the API Lambda (Mangum), `/webhooks/…` → the webhook receiver."""

from __future__ import annotations

import aws_cdk as cdk
from aws_cdk import aws_apigateway as apigateway
from aws_cdk import aws_certificatemanager as acm
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from aws_cdk import aws_route53 as route53
from aws_cdk import aws_route53_targets as route53_targets
from constructs import Construct

from cdk.config import EnvironmentConfig
from cdk.constructs.retention import retention_days

__all__ = ["WEBHOOK_PATH", "DecaRestApi"]

WEBHOOK_PATH = "webhooks"
"""First path segment of webhook URLs: `/webhooks/{workspace_id}/{path}`."""

_CORS_HEADERS = ["Authorization", "Content-Type", "Idempotency-Key", "X-Request-Id"]


class DecaRestApi(Construct):
    """The REST API with stage throttling, JSON access logs, tracing, CORS and an optional custom domain."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        config: EnvironmentConfig,
        api_function: lambda_.IFunction,
        webhook_function: lambda_.IFunction,
    ) -> None:
        super().__init__(scope, construct_id)
        self.access_logs = logs.LogGroup(
            self,
            "AccessLogs",
            log_group_name=f"/aws/apigateway/{config.prefix}api-access",
            retention=retention_days(config.log_retention_days),
            removal_policy=cdk.RemovalPolicy.RETAIN if config.retain_data else cdk.RemovalPolicy.DESTROY,
        )
        self.api = apigateway.RestApi(
            self,
            "Api",
            rest_api_name=f"{config.prefix}api",
            description=f"DECA AI Studio API ({config.name})",
            endpoint_types=[apigateway.EndpointType.REGIONAL],
            cloud_watch_role=True,
            cloud_watch_role_removal_policy=cdk.RemovalPolicy.RETAIN,
            deploy_options=apigateway.StageOptions(
                stage_name=config.name,
                throttling_rate_limit=config.api_throttle_rate,
                throttling_burst_limit=config.api_throttle_burst,
                tracing_enabled=True,
                metrics_enabled=True,
                logging_level=apigateway.MethodLoggingLevel.ERROR,
                data_trace_enabled=False,  # bodies may hold credentials and prompts
                access_log_destination=apigateway.LogGroupLogDestination(self.access_logs),
                access_log_format=apigateway.AccessLogFormat.json_with_standard_fields(
                    caller=False,
                    http_method=True,
                    ip=True,
                    protocol=True,
                    request_time=True,
                    resource_path=True,
                    response_length=True,
                    status=True,
                    user=False,
                ),
            ),
            default_cors_preflight_options=apigateway.CorsOptions(
                allow_origins=list(config.cors_origins),
                allow_methods=apigateway.Cors.ALL_METHODS,
                allow_headers=_CORS_HEADERS,
                allow_credentials=True,
                max_age=cdk.Duration.hours(1),
            ),
            binary_media_types=["multipart/form-data", "application/octet-stream"],
        )
        api_integration = apigateway.LambdaIntegration(api_function, proxy=True)
        self.api.root.add_method("ANY", api_integration)
        self.api.root.add_resource("{proxy+}").add_method("ANY", api_integration)
        webhooks = self.api.root.add_resource(WEBHOOK_PATH)
        webhooks.add_resource("{proxy+}").add_method(
            "ANY", apigateway.LambdaIntegration(webhook_function, proxy=True)
        )
        self.url = self.api.url
        if config.custom_domain and config.hosted_zone_id and config.hosted_zone_name:
            self.url = self._custom_domain(
                config, config.custom_domain, config.hosted_zone_id, config.hosted_zone_name
            )
        self.webhook_base_url = cdk.Fn.join("", [self.url, f"{WEBHOOK_PATH}/"])

    def _custom_domain(self, config: EnvironmentConfig, domain: str, zone_id: str, zone_name: str) -> str:
        zone = route53.HostedZone.from_hosted_zone_attributes(
            self, "Zone", hosted_zone_id=zone_id, zone_name=zone_name
        )
        certificate = acm.Certificate(
            self, "Certificate", domain_name=domain, validation=acm.CertificateValidation.from_dns(zone)
        )
        domain_name = self.api.add_domain_name(
            "Domain",
            domain_name=domain,
            certificate=certificate,
            endpoint_type=apigateway.EndpointType.REGIONAL,
            security_policy=apigateway.SecurityPolicy.TLS_1_2,
        )
        route53.ARecord(
            self,
            "Alias",
            zone=zone,
            record_name=domain,
            target=route53.RecordTarget.from_alias(route53_targets.ApiGatewayDomain(domain_name)),
        )
        return f"https://{domain}/"
