"""The s3 Lambda handler in-process against moto."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from moto import mock_aws

from functions.nodes import s3
from tests.layers.integrations.lambda_env import FakeLambdaContext, lambda_event, lambda_wiring


@pytest.fixture
def bucket(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    with mock_aws(), lambda_wiring(tmp_path, monkeypatch):
        client = boto3.client("s3", region_name="us-east-1")
        client.create_bucket(Bucket="acme-reports")
        yield client


def test_handler_puts_an_object(bucket: Any) -> None:
    config = {"operation": "put", "bucket": "acme-reports", "key": "r.json", "body": {"ok": True}}
    out = s3.lambda_handler(lambda_event("s3", config), FakeLambdaContext())
    assert bucket.get_object(Bucket="acme-reports", Key="r.json")["Body"].read() == b'{"ok": true}'
    assert out["uri"] == "s3://acme-reports/r.json"
