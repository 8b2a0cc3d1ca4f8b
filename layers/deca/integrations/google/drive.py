"""Google Drive API v3: list, upload (multipart), download/export, create folders, share, delete."""

from __future__ import annotations

import base64
import binascii
import json
import uuid
from typing import TYPE_CHECKING, Any

from deca.integrations.context import base_url
from deca.integrations.errors import IntegrationConfigError
from deca.integrations.google.client import GOOGLE_BASE_URLS, google_api
from deca.integrations.rest import RestClient
from deca.nodes.google_drive import GoogleDriveConfig, GoogleDriveOutput

if TYPE_CHECKING:
    from deca.nodes.context import NodeContext

__all__ = ["drive_call", "file_summary", "multipart_related"]

_SERVICE = "google_drive"
_FOLDER = "application/vnd.google-apps.folder"
_FIELDS = "id,name,mimeType,size,webViewLink,parents,modifiedTime"


def file_summary(resource: dict[str, Any]) -> dict[str, Any]:
    """A Drive file resource as {id, name, mime_type, size, web_link, parents, modified_time}."""
    size = resource.get("size")
    return {
        "id": resource.get("id"),
        "name": resource.get("name"),
        "mime_type": resource.get("mimeType"),
        "size": int(size) if size is not None else None,
        "web_link": resource.get("webViewLink"),
        "parents": resource.get("parents", []),
        "modified_time": resource.get("modifiedTime"),
    }


def multipart_related(metadata: dict[str, Any], content: bytes, mime_type: str) -> tuple[bytes, str]:
    """A `multipart/related` body (metadata JSON part, then the content part) and its Content-Type."""
    boundary = f"deca-{uuid.uuid4().hex}"
    head = (
        f"--{boundary}\r\nContent-Type: application/json; charset=UTF-8\r\n\r\n{json.dumps(metadata)}\r\n"
        f"--{boundary}\r\nContent-Type: {mime_type}\r\n\r\n"
    ).encode()
    return head + content + f"\r\n--{boundary}--\r\n".encode(), f"multipart/related; boundary={boundary}"


def _content_bytes(config: GoogleDriveConfig) -> bytes:
    text = config.content or ""
    if config.encoding != "base64":
        return text.encode("utf-8")
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        raise IntegrationConfigError("config.content: not valid base64", service=_SERVICE) from None


def _download(api: RestClient, config: GoogleDriveConfig) -> GoogleDriveOutput:
    meta = api.call("GET", f"/files/{config.file_id}", params={"fields": _FIELDS})
    if str(meta.get("mimeType", "")).startswith("application/vnd.google-apps."):
        if not config.mime_type:
            raise IntegrationConfigError(
                "config.mime_type: required to download a Google Docs/Sheets/Slides file (e.g. text/plain, "
                "application/pdf)",
                service=_SERVICE,
            )
        response = api.request(
            "GET", f"/files/{config.file_id}/export", params={"mimeType": config.mime_type}
        )
    else:
        response = api.request("GET", f"/files/{config.file_id}", params={"alt": "media"})
    if config.encoding == "base64":
        content = base64.b64encode(response.content).decode("ascii")
    else:
        try:
            content = response.content.decode("utf-8")
        except UnicodeDecodeError:
            raise IntegrationConfigError(
                "config.encoding: the file is not UTF-8 text; use encoding base64", service=_SERVICE
            ) from None
    summary = file_summary(meta)
    return GoogleDriveOutput(file=summary, content=content, web_link=summary["web_link"])


def _list(api: RestClient, config: GoogleDriveConfig) -> GoogleDriveOutput:
    terms = ["trashed = false"]
    if config.folder_id:
        terms.append(f"'{config.folder_id}' in parents")
    if config.query:
        terms.append(f"({config.query})")
    wanted = config.max_results or 100
    files: list[dict[str, Any]] = []
    token = None
    while len(files) < wanted:
        page = api.call(
            "GET",
            "/files",
            params={
                "q": " and ".join(terms),
                "pageSize": min(wanted - len(files), 1000),
                "pageToken": token,
                "fields": f"nextPageToken,files({_FIELDS})",
            },
        )
        files.extend(file_summary(f) for f in page.get("files", []))
        token = page.get("nextPageToken")
        if not token:
            break
    return GoogleDriveOutput(files=files[:wanted])


def drive_call(config: GoogleDriveConfig, ctx: NodeContext) -> GoogleDriveOutput:
    """Run the configured Drive operation and map the answer to the node output."""
    with google_api(ctx, config.credential_id, _SERVICE) as api:
        op = config.operation
        if op == "list":
            return _list(api, config)
        if op == "download":
            return _download(api, config)
        if op in ("upload", "create_folder"):
            metadata: dict[str, Any] = {"name": config.name}
            if config.folder_id:
                metadata["parents"] = [config.folder_id]
            if op == "create_folder":
                created = api.call(
                    "POST", "/files", params={"fields": _FIELDS}, json={**metadata, "mimeType": _FOLDER}
                )
            else:
                mime = config.mime_type or "application/octet-stream"
                body, content_type = multipart_related(
                    {**metadata, "mimeType": mime}, _content_bytes(config), mime
                )
                upload = base_url(ctx, "google_drive_upload", GOOGLE_BASE_URLS["google_drive_upload"])
                created = api.call(
                    "POST",
                    "",
                    url=f"{upload}/files",
                    params={"uploadType": "multipart", "fields": _FIELDS},
                    content=body,
                    headers={"Content-Type": content_type},
                )
            summary = file_summary(created)
            return GoogleDriveOutput(file=summary, web_link=summary["web_link"])
        if op == "share":
            permission = {"type": "user", "role": config.role, "emailAddress": config.email}
            api.call(
                "POST",
                f"/files/{config.file_id}/permissions",
                params={"sendNotificationEmail": "true"},
                json=permission,
            )
            meta = api.call("GET", f"/files/{config.file_id}", params={"fields": _FIELDS})
            summary = file_summary(meta)
            return GoogleDriveOutput(file=summary, web_link=summary["web_link"])
        api.request("DELETE", f"/files/{config.file_id}")
        return GoogleDriveOutput(file={"id": config.file_id})
