"""Amazon S3: get, put, list, delete objects and presign URLs, with content encodings (utf-8, base64, JSON)."""

from __future__ import annotations

import base64
import binascii
import json
from typing import TYPE_CHECKING, Any

from deca.integrations.aws import aws_client, aws_errors
from deca.integrations.errors import IntegrationConfigError
from deca.nodes.s3 import S3Config, S3Object, S3Output

if TYPE_CHECKING:
    from deca.nodes.context import NodeContext

__all__ = ["decode_body", "encode_body", "s3_call"]

_SERVICE = "s3"
_DEFAULT_TYPES = {
    "json": "application/json",
    "utf-8": "text/plain; charset=utf-8",
    "base64": "application/octet-stream",
}


def encode_body(body: Any, encoding: str | None) -> tuple[bytes, str]:
    """The bytes to write and the encoding used (a non-text body without encoding is written as JSON)."""
    if encoding == "base64":
        if not isinstance(body, str):
            raise IntegrationConfigError("config.body: expected a base64 string", service=_SERVICE)
        try:
            return base64.b64decode(body, validate=True), "base64"
        except (binascii.Error, ValueError):
            raise IntegrationConfigError("config.body: not valid base64", service=_SERVICE) from None
    if encoding == "json" or not isinstance(body, str):
        return json.dumps(body, ensure_ascii=False).encode("utf-8"), "json"
    return body.encode("utf-8"), "utf-8"


def decode_body(data: bytes, encoding: str | None) -> Any:
    """An object's bytes as the node outputs them (utf-8 text by default)."""
    if encoding == "base64":
        return base64.b64encode(data).decode("ascii")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise IntegrationConfigError(
            "config.encoding: the object is not UTF-8 text; use base64", service=_SERVICE
        ) from None
    if encoding == "json":
        try:
            return json.loads(text)
        except ValueError:
            raise IntegrationConfigError(
                "config.encoding: the object is not JSON", service=_SERVICE
            ) from None
    return text


def _etag(value: Any) -> str | None:
    return str(value).strip('"') if value else None


def s3_call(config: S3Config, ctx: NodeContext) -> S3Output:
    """Run the configured S3 operation."""
    client = aws_client(ctx, _SERVICE, region=config.region, credential_id=config.credential_id)
    bucket, key = config.bucket, config.key
    uri = f"s3://{bucket}/{key}" if key else f"s3://{bucket}"
    op = config.operation
    with aws_errors(_SERVICE, f"{op} {uri}"):
        if op == "get":
            answer = client.get_object(Bucket=bucket, Key=key)
            data = answer["Body"].read()
            return S3Output(
                body=decode_body(data, config.encoding),
                content_type=answer.get("ContentType"),
                size=len(data),
                etag=_etag(answer.get("ETag")),
                version_id=answer.get("VersionId"),
                uri=uri,
            )
        if op == "put":
            data, used = encode_body(config.body, config.encoding)
            content_type = config.content_type or _DEFAULT_TYPES[used]
            answer = client.put_object(
                Bucket=bucket, Key=key, Body=data, ContentType=content_type, Metadata=config.metadata or {}
            )
            return S3Output(
                content_type=content_type,
                size=len(data),
                etag=_etag(answer.get("ETag")),
                version_id=answer.get("VersionId"),
                uri=uri,
            )
        if op == "list":
            wanted = config.max_keys or 1000
            objects: list[S3Object] = []
            kwargs: dict[str, Any] = {"Bucket": bucket, "Prefix": config.prefix or ""}
            truncated = False
            while True:
                page = client.list_objects_v2(**kwargs, MaxKeys=min(1000, wanted - len(objects)))
                objects.extend(
                    S3Object(
                        key=o["Key"],
                        size=o["Size"],
                        last_modified=o["LastModified"].isoformat(),
                        etag=_etag(o.get("ETag")),
                    )
                    for o in page.get("Contents", [])
                )
                truncated = bool(page.get("IsTruncated"))
                if not truncated or len(objects) >= wanted:
                    break
                kwargs["ContinuationToken"] = page["NextContinuationToken"]
            return S3Output(objects=objects, truncated=truncated, uri=uri)
        if op == "delete":
            answer = client.delete_object(Bucket=bucket, Key=key)
            return S3Output(version_id=answer.get("VersionId"), uri=uri)
        params: dict[str, Any] = {"Bucket": bucket, "Key": key}
        if config.method == "PUT" and config.content_type:
            params["ContentType"] = config.content_type
        url = client.generate_presigned_url(
            "put_object" if config.method == "PUT" else "get_object",
            Params=params,
            ExpiresIn=config.expires_in or 3600,
        )
        return S3Output(url=url, uri=uri)
