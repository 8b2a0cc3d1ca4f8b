"""A RestClient for one Google API, authorised with the node's credential; errors use Google's format."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

import httpx

from deca.integrations.context import base_url, http_client, sleeper
from deca.integrations.google.auth import access_token
from deca.integrations.rest import RestClient

if TYPE_CHECKING:
    from deca.nodes.context import NodeContext

__all__ = ["GOOGLE_BASE_URLS", "GOOGLE_SCOPES", "error_detail", "google_api"]

GOOGLE_BASE_URLS = {
    "google_sheets": "https://sheets.googleapis.com/v4",
    "google_gmail": "https://gmail.googleapis.com/gmail/v1",
    "google_drive": "https://www.googleapis.com/drive/v3",
    "google_drive_upload": "https://www.googleapis.com/upload/drive/v3",
    "google_calendar": "https://www.googleapis.com/calendar/v3",
}
"""Default base URL per service key; `ctx.services["base_urls"]` may override each key."""

GOOGLE_SCOPES = {
    "google_sheets": "https://www.googleapis.com/auth/spreadsheets",
    "google_gmail": "https://www.googleapis.com/auth/gmail.modify",
    "google_drive": "https://www.googleapis.com/auth/drive",
    "google_calendar": "https://www.googleapis.com/auth/calendar",
}


def error_detail(response: httpx.Response) -> str:
    """Google's error text: `{"error": {"code": 404, "message": ..., "status": "NOT_FOUND"}}`."""
    try:
        body = response.json()
    except ValueError:
        return response.text[:300]
    error = body.get("error") if isinstance(body, dict) else None
    if isinstance(error, dict):
        status = error.get("status")
        message = error.get("message", "")
        return f"{status}: {message}" if status else str(message)
    if isinstance(error, str):
        return f"{error}: {body.get('error_description', '')}".rstrip(": ")
    return response.text[:300]


@contextmanager
def google_api(ctx: NodeContext, credential_id: str, service: str) -> Iterator[RestClient]:
    """A client for `service` (a GOOGLE_BASE_URLS key) with a bearer token from the credential."""
    with http_client(ctx) as client:
        token = access_token(ctx, client, credential_id, scope=GOOGLE_SCOPES[service], service=service)
        yield RestClient(
            service,
            client,
            base_url(ctx, service, GOOGLE_BASE_URLS[service]),
            headers={"Authorization": f"Bearer {token}"},
            sleep=sleeper(ctx),
            detail=error_detail,
        )
