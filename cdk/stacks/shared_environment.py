"""The `DECA_*` environment every non-sandboxed function and the bridge task receive."""

from __future__ import annotations

import aws_cdk as cdk
from aws_cdk import aws_iam as iam

from cdk.config import EnvironmentConfig
from cdk.stacks.data_stack import DataStack

__all__ = ["grant_notification_email", "shared_environment"]


def shared_environment(stack: cdk.Stack, config: EnvironmentConfig, data: DataStack) -> dict[str, str]:
    """Settings for functions of `stack`, read by `deca.settings.Settings` and the AWS adapters (no secret values)."""
    environment = {
        "DECA_ENVIRONMENT": "aws",
        "DECA_DATA_DIR": "/tmp/deca",  # Lambda and the bridge container can only write under /tmp
        "DECA_AUTH_ISSUER": config.auth_issuer,
        "DECA_AUTH_AUDIENCE": config.auth_audience,
        "DECA_AUTH_JWKS_URL": config.auth_issuer.rstrip("/") + "/.well-known/jwks.json",
        "DECA_KMS_KEY_ID": data.credentials_key.key_arn,
        "DECA_MONGODB_SECRET_ARN": data.atlas_secret.secret_arn,
        "DECA_MONGODB_DATABASE": "deca",
        "DECA_OBJECTS_BUCKET": data.bucket.bucket_name,
        "DECA_CACHE_URL": data.redis_url,
        "DECA_FUNCTION_PREFIX": config.function_prefix,
        "DECA_STATE_MACHINE_PREFIX": config.flow_prefix,
        "DECA_HITL_LINK_KEY_SECRET_ARN": data.hitl_link_secret.secret_arn,
        "DECA_STATE_MACHINE_ARN_PREFIX": stack.format_arn(
            service="states",
            resource="stateMachine",
            resource_name=config.flow_prefix,
            arn_format=cdk.ArnFormat.COLON_RESOURCE_NAME,
        ),
    }
    if config.nats_url:
        environment["DECA_NATS_URL"] = config.nats_url
    if config.notification_sender:  # approval and form requests are emailed through SES
        environment["DECA_HITL_NOTIFIER"] = "ses"
        environment["DECA_HITL_EMAIL_SENDER"] = config.notification_sender
    return environment


def grant_notification_email(stack: cdk.Stack, config: EnvironmentConfig, role: iam.IRole) -> None:
    """Let `role` email approval/form notifications from the configured sender's SES identity only."""
    sender = config.notification_sender
    if not sender:
        return
    identity = (
        sender.split("@", 1)[1] if "@" in sender else sender
    )  # the domain identity covers its addresses
    role.add_to_principal_policy(
        iam.PolicyStatement(
            sid="SendHumanTaskEmail",
            actions=["ses:SendEmail", "ses:SendRawEmail"],
            resources=[
                stack.format_arn(service="ses", resource="identity", resource_name=identity),
                stack.format_arn(service="ses", resource="identity", resource_name=sender),
            ],
            conditions={"StringEquals": {"ses:FromAddress": sender}} if "@" in sender else None,
        )
    )
