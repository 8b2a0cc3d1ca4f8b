"""`s3`: reads, writes, lists, deletes and presigns objects in Amazon S3."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, ClassVar, Literal

from pydantic import Field

from deca.nodes.base import NodeOutput, NodeSpec
from deca.nodes.common import OPERATION_HELP, CredentialId, Operation, OperationConfig

if TYPE_CHECKING:
    from deca.nodes.context import NodeContext
    from deca.nodes.task import NodeTask

__all__ = ["SPEC", "S3Config", "S3Object", "S3Output", "run"]


class S3Config(OperationConfig):
    """Config of the s3 node."""

    operation: Literal["get", "put", "list", "delete", "presign"] = Field(description=OPERATION_HELP)
    bucket: str = Field(
        pattern=r"^([a-z0-9][a-z0-9.-]{1,61}[a-z0-9]|\s*\{\{[\s\S]*\}\}\s*)$", description="Bucket name"
    )
    key: str | None = Field(default=None, min_length=1, max_length=1024, description="Object key")
    prefix: str | None = Field(
        default=None, max_length=1024, description="Only keys starting with this (list)"
    )
    body: Any = Field(
        default=None, description="Content to write: text, JSON (serialised), or base64 with encoding"
    )
    encoding: Literal["utf-8", "base64", "json"] | None = Field(
        default=None, description="How `body` is turned into bytes (put) or returned (get); default utf-8"
    )
    content_type: str | None = Field(default=None, max_length=200, description="MIME type (put, presign put)")
    metadata: dict[str, str] | None = Field(default=None, description="User metadata (put)")
    max_keys: int | None = Field(
        default=None, ge=1, le=100_000, description="Maximum keys listed (default 1000)"
    )
    method: Literal["GET", "PUT"] | None = Field(default=None, description="What the presigned URL allows")
    expires_in: int | None = Field(
        default=None, ge=1, le=604_800, description="Seconds the presigned URL is valid (default 3600)"
    )
    region: str | None = Field(
        description="Bucket region; the platform's region when unset",
        default=None,
        pattern=r"^[a-z]{2}(-[a-z]+)+-\d$",
    )
    credential_id: CredentialId | None = Field(
        default=None, description="Credential of another AWS account; the platform's role when unset"
    )

    OPERATIONS: ClassVar[Mapping[str, Operation]] = {
        "get": Operation(required=("key",), optional=("encoding",)),
        "put": Operation(required=("key", "body"), optional=("encoding", "content_type", "metadata")),
        "list": Operation(optional=("prefix", "max_keys")),
        "delete": Operation(required=("key",)),
        "presign": Operation(required=("key", "method"), optional=("expires_in", "content_type")),
    }


class S3Object(NodeOutput):
    """One listed object."""

    key: str = Field(description="Object key")
    size: int = Field(description="Size in bytes", ge=0)
    last_modified: str = Field(description="ISO-8601")
    etag: str | None = Field(default=None, description="Entity tag")


class S3Output(NodeOutput):
    """What an s3 node returns (fields not used by the operation are empty)."""

    body: Any = Field(default=None, description="The object's content (get)")
    content_type: str | None = Field(default=None, description="MIME type of the object (get, put)")
    size: int | None = Field(default=None, ge=0, description="Size in bytes (get, put)")
    etag: str | None = Field(default=None, description="Entity tag of the object (get, put)")
    version_id: str | None = Field(default=None, description="Object version, on versioned buckets")
    objects: list[S3Object] = Field(default_factory=list, description="Objects found (list)")
    truncated: bool = Field(default=False, description="More objects than max_keys (list)")
    url: str | None = Field(default=None, description="The presigned URL (presign)")
    uri: str | None = Field(default=None, description="`s3://bucket/key` of the object")


SPEC = NodeSpec(
    type="s3",
    category="integration",
    description="Get, put, list, delete or presign objects in Amazon S3",
    config=S3Config,
    output=S3Output,
    side_effects=True,
    icon="database",
    errors=(
        "IntegrationNotFound",
        "IntegrationAuthError",
        "IntegrationRateLimited",
        "IntegrationConfigError",
        "IntegrationError",
        "HttpConnectionError",
        "CredentialNotFound",
    ),
    example={
        "operation": "put",
        "bucket": "acme-reports",
        "key": "daily/{{ execution.start_time }}.json",
        "body": "{{ input.report }}",
        "encoding": "json",
    },
)


def run(config: S3Config, task: NodeTask, ctx: NodeContext) -> S3Output:
    """Call Amazon S3; a put happens once per execution and node."""
    from deca.integrations.s3 import s3_call

    if config.operation == "put":
        from deca.integrations.idempotency import run_once

        return run_once(ctx, task, S3Output, lambda: s3_call(config, ctx))
    return s3_call(config, ctx)
