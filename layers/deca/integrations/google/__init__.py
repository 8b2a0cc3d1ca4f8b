"""Google Workspace APIs (Sheets v4, Gmail v1, Drive v3, Calendar v3) over their REST endpoints with httpx."""

from __future__ import annotations

from deca.integrations.google.auth import access_token
from deca.integrations.google.client import GOOGLE_BASE_URLS, google_api

__all__ = ["GOOGLE_BASE_URLS", "access_token", "google_api"]
