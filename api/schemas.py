"""Request and response pieces shared by the routers: pagination parameters and strict request bodies."""

from __future__ import annotations

from typing import Annotated

from fastapi import Query
from pydantic import BaseModel, ConfigDict

from api.errors import error_responses
from deca.stores import DEFAULT_LIMIT, MAX_LIMIT

__all__ = ["COMMON_ERRORS", "Cursor", "Limit", "RequestModel"]

Limit = Annotated[int, Query(ge=1, le=MAX_LIMIT, description="Page size")]
Cursor = Annotated[
    str | None, Query(max_length=2000, description="`next_cursor` of the previous page (omit for the first)")
]
DEFAULT_PAGE = DEFAULT_LIMIT

COMMON_ERRORS = error_responses(400, 401, 403, 413, 422, 429)
"""Errors any authenticated route can answer."""


class RequestModel(BaseModel):
    """Base of request bodies: unknown fields are an error, not silently dropped."""

    model_config = ConfigDict(extra="forbid")
