"""The API on AWS Lambda behind API Gateway: the app served through Mangum, built on the first request."""

from __future__ import annotations

import functools
from typing import Any

from mangum import Mangum

from api.app import create_app

__all__ = ["handler", "lambda_handler"]


@functools.cache
def _handler() -> Mangum:
    """Built once per container (warm starts reuse it); tests call `_handler.cache_clear()`."""
    return Mangum(create_app(), lifespan="off")


def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """Answer one API Gateway (REST or HTTP API) proxy event."""
    response: dict[str, Any] = _handler()(event, context)
    return response


handler = lambda_handler
"""The name the CDK app configures (`api.lambda_handler.handler`)."""
