"""boto3 clients for the AWS integrations (S3, SES) and the mapping of their errors to named ones.

Clients use the platform's role unless the node names a credential (fields `aws_access_key_id`,
`aws_secret_access_key`, optional `aws_session_token`, optional `region`). The endpoint can be
overridden through `ctx.services["base_urls"]["s3"|"ses"]` (MinIO, LocalStack); tests use moto.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from deca.integrations.context import credential, require_field
from deca.integrations.errors import (
    HttpConnectionError,
    IntegrationAuthError,
    IntegrationConfigError,
    IntegrationError,
    IntegrationNotFound,
    IntegrationRateLimited,
)

if TYPE_CHECKING:
    from deca.nodes.context import NodeContext

__all__ = ["aws_client", "aws_errors"]

_NOT_FOUND = {
    "NoSuchKey",
    "NoSuchBucket",
    "NotFound",
    "404",
    "NoSuchVersion",
    "TemplateDoesNotExist",
    "ConfigurationSetDoesNotExist",
}
_AUTH = {
    "AccessDenied",
    "403",
    "InvalidAccessKeyId",
    "SignatureDoesNotMatch",
    "ExpiredToken",
    "InvalidToken",
    "UnrecognizedClientException",
    "AccessDeniedException",
    "AccountSendingPausedException",
}
_THROTTLED = {
    "SlowDown",
    "Throttling",
    "ThrottlingException",
    "RequestLimitExceeded",
    "TooManyRequestsException",
    "503",
    "ServiceUnavailable",
    "MaxSendingRateExceeded",
}


def aws_client(ctx: NodeContext, service: str, *, region: str | None, credential_id: str | None) -> Any:
    """A boto3 client of `service` with the node's credential (or the platform's) and region."""
    import boto3
    from botocore.config import Config

    kwargs: dict[str, Any] = {}
    if credential_id is not None:
        fields = credential(ctx, credential_id)
        kwargs = {
            "aws_access_key_id": require_field(
                fields, ("aws_access_key_id",), service=service, credential_id=credential_id
            ),
            "aws_secret_access_key": require_field(
                fields, ("aws_secret_access_key",), service=service, credential_id=credential_id
            ),
            "aws_session_token": fields.get("aws_session_token") or None,
        }
        region = region or fields.get("region") or None
    endpoints: dict[str, str] = ctx.services.get("base_urls", {})
    # SigV4 everywhere: presigned URLs of SigV2 are refused by every region opened since 2014.
    options = Config(signature_version="s3v4") if service == "s3" else None
    return boto3.session.Session(**kwargs).client(
        service, region_name=region, endpoint_url=endpoints.get(service), config=options
    )


@contextmanager
def aws_errors(service: str, what: str) -> Iterator[None]:
    """Translate botocore errors raised inside the block into the integration error family."""
    from botocore.exceptions import BotoCoreError, ClientError, EndpointConnectionError, NoCredentialsError

    try:
        yield
    except ClientError as exc:
        error = exc.response.get("Error", {})
        code = str(error.get("Code", ""))
        status = exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
        message = f"{service} {what}: {code} {error.get('Message', '')}".strip()
        if code in _NOT_FOUND:
            raise IntegrationNotFound(message, service=service, status=status) from None
        if code in _AUTH:
            raise IntegrationAuthError(message, service=service, status=status) from None
        if code in _THROTTLED:
            raise IntegrationRateLimited(message, service=service, status=status) from None
        if status is not None and 400 <= status < 500:
            raise IntegrationConfigError(message, service=service, status=status) from None
        raise IntegrationError(message, service=service, status=status) from None
    except NoCredentialsError:
        raise IntegrationAuthError(f"{service} {what}: no AWS credentials", service=service) from None
    except EndpointConnectionError as exc:
        raise HttpConnectionError(f"{service} {what}: {exc}", service=service) from None
    except BotoCoreError as exc:
        raise IntegrationError(f"{service} {what}: {exc}", service=service) from None
