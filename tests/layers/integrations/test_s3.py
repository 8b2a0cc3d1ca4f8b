"""The s3 node against moto's S3."""

from __future__ import annotations

import base64
from collections.abc import Iterator
from typing import Any

import boto3
import httpx
import pytest
from moto import mock_aws

from deca.integrations.errors import IntegrationAuthError, IntegrationConfigError, IntegrationNotFound
from deca.nodes.context import NodeContext
from deca.nodes.handlers import InvalidNodeConfig, run_node
from tests.layers.integrations.conftest import MakeContext, node_task

BUCKET = "acme-reports"


@pytest.fixture
def s3() -> Iterator[Any]:
    with mock_aws():
        client = boto3.client("s3", region_name="us-east-1")
        client.create_bucket(Bucket=BUCKET)
        yield client


@pytest.fixture
def ctx(make_context: MakeContext) -> NodeContext:
    return make_context(
        secrets={"other-account": {"aws_access_key_id": "AKIDEXAMPLE", "aws_secret_access_key": "x"}}
    )


def _run(ctx: NodeContext, config: dict[str, Any], **task: Any) -> dict[str, Any]:
    result: dict[str, Any] = run_node(node_task("s3", {"bucket": BUCKET, **config}, **task), ctx)
    return result


def test_put_json_then_get_it_back(s3: Any, ctx: NodeContext) -> None:
    put = _run(ctx, {"operation": "put", "key": "daily/1.json", "body": {"total": 3}, "encoding": "json"})
    got = _run(ctx, {"operation": "get", "key": "daily/1.json", "encoding": "json"}, node_id="read")
    assert got["body"] == {"total": 3}
    assert put["content_type"] == "application/json" and put["uri"] == f"s3://{BUCKET}/daily/1.json"
    assert got["etag"] == put["etag"] and got["size"] == put["size"]


def test_put_text_with_metadata(s3: Any, ctx: NodeContext) -> None:
    _run(ctx, {"operation": "put", "key": "a.txt", "body": "héllo", "metadata": {"source": "flow"}})
    head = s3.head_object(Bucket=BUCKET, Key="a.txt")
    assert head["Metadata"] == {"source": "flow"} and head["ContentType"] == "text/plain; charset=utf-8"
    assert s3.get_object(Bucket=BUCKET, Key="a.txt")["Body"].read() == "héllo".encode()


def test_put_and_get_base64(s3: Any, ctx: NodeContext) -> None:
    data = base64.b64encode(b"\x00\xff").decode()
    _run(ctx, {"operation": "put", "key": "b.bin", "body": data, "encoding": "base64"})
    assert (
        _run(ctx, {"operation": "get", "key": "b.bin", "encoding": "base64"}, node_id="read")["body"] == data
    )


def test_put_is_not_repeated_for_the_same_execution(s3: Any, ctx: NodeContext) -> None:
    config = {"operation": "put", "key": "once.txt", "body": "first"}
    first = _run(ctx, config)
    s3.put_object(Bucket=BUCKET, Key="once.txt", Body=b"changed elsewhere")
    assert _run(ctx, config) == first
    assert s3.get_object(Bucket=BUCKET, Key="once.txt")["Body"].read() == b"changed elsewhere"


def test_get_of_a_missing_key_is_integration_not_found(s3: Any, ctx: NodeContext) -> None:
    with pytest.raises(IntegrationNotFound, match="NoSuchKey"):
        _run(ctx, {"operation": "get", "key": "missing"})


def test_missing_bucket_is_integration_not_found(s3: Any, ctx: NodeContext) -> None:
    with pytest.raises(IntegrationNotFound, match="NoSuchBucket"):
        run_node(node_task("s3", {"operation": "list", "bucket": "no-such-bucket"}), ctx)


def test_binary_object_read_as_text_names_the_encoding_field(s3: Any, ctx: NodeContext) -> None:
    s3.put_object(Bucket=BUCKET, Key="img", Body=b"\xff\xd8")
    with pytest.raises(IntegrationConfigError, match=r"config\.encoding"):
        _run(ctx, {"operation": "get", "key": "img"})


def test_invalid_base64_body_names_the_field(s3: Any, ctx: NodeContext) -> None:
    with pytest.raises(IntegrationConfigError, match=r"config\.body"):
        _run(ctx, {"operation": "put", "key": "x", "body": "%%%", "encoding": "base64"})


def test_list_by_prefix_across_pages(s3: Any, ctx: NodeContext) -> None:
    for i in range(5):
        s3.put_object(Bucket=BUCKET, Key=f"in/{i}.csv", Body=b"x")
    s3.put_object(Bucket=BUCKET, Key="out/x.csv", Body=b"x")
    out = _run(ctx, {"operation": "list", "prefix": "in/", "max_keys": 3})
    assert [o["key"] for o in out["objects"]] == ["in/0.csv", "in/1.csv", "in/2.csv"]
    assert out["truncated"] is True


def test_delete_removes_the_object(s3: Any, ctx: NodeContext) -> None:
    s3.put_object(Bucket=BUCKET, Key="old", Body=b"x")
    _run(ctx, {"operation": "delete", "key": "old"})
    assert s3.list_objects_v2(Bucket=BUCKET).get("KeyCount") == 0


def test_presigned_get_url_is_signed_for_the_key_and_expiry(s3: Any, ctx: NodeContext) -> None:
    s3.put_object(Bucket=BUCKET, Key="report.csv", Body=b"a,b")
    out = _run(ctx, {"operation": "presign", "key": "report.csv", "method": "GET", "expires_in": 600})
    url = httpx.URL(out["url"])
    assert url.host == f"{BUCKET}.s3.amazonaws.com" and url.path == "/report.csv"
    assert url.params["X-Amz-Expires"] == "600"


def test_credential_of_another_account_is_used(s3: Any, ctx: NodeContext) -> None:
    out = _run(ctx, {"operation": "presign", "key": "k", "method": "PUT", "credential_id": "other-account"})
    assert "AKIDEXAMPLE" in httpx.URL(out["url"]).params["X-Amz-Credential"]


def test_credential_without_keys_names_the_missing_field(s3: Any, make_context: MakeContext) -> None:
    ctx = make_context(secrets={"bad": {"aws_access_key_id": "AKID"}})
    with pytest.raises(IntegrationAuthError, match="'aws_secret_access_key'"):
        _run(ctx, {"operation": "list", "credential_id": "bad"})


def test_put_without_body_is_invalid_config_naming_it(ctx: NodeContext) -> None:
    with pytest.raises(InvalidNodeConfig, match=r"config\.body"):
        _run(ctx, {"operation": "put", "key": "x"})
