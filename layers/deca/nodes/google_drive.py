"""`google_drive`: uploads, downloads, lists, shares and deletes Google Drive files."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, ClassVar, Literal

from pydantic import Field

from deca.nodes.base import NodeOutput, NodeSpec
from deca.nodes.common import OPERATION_HELP, CredentialId, EmailOrTemplate, Operation, OperationConfig

if TYPE_CHECKING:
    from deca.nodes.context import NodeContext
    from deca.nodes.task import NodeTask

__all__ = ["SPEC", "GoogleDriveConfig", "GoogleDriveOutput", "run"]


class GoogleDriveConfig(OperationConfig):
    """Config of the google_drive node."""

    operation: Literal["upload", "download", "list", "create_folder", "share", "delete"] = Field(
        description=OPERATION_HELP
    )
    credential_id: CredentialId = Field(description="Google OAuth or service-account credential")
    file_id: str | None = Field(
        description="File or folder id (templates allowed)", default=None, min_length=1
    )
    folder_id: str | None = Field(
        default=None, min_length=1, description="Parent folder (upload, create_folder, list)"
    )
    name: str | None = Field(default=None, min_length=1, max_length=500, description="File or folder name")
    content: str | None = Field(
        default=None, description="File content: text, or base64 with encoding base64"
    )
    encoding: Literal["utf-8", "base64"] | None = Field(
        default=None, description="How `content` is encoded (default utf-8)"
    )
    mime_type: str | None = Field(
        default=None, max_length=200, description="e.g. `text/csv`; converts Google Docs on download"
    )
    query: str | None = Field(default=None, description="Drive search, e.g. `name contains 'invoice'`")
    max_results: int | None = Field(
        description="Maximum files returned (default 100)", default=None, ge=1, le=1000
    )
    email: EmailOrTemplate | None = Field(default=None, description="Who to share with")
    role: Literal["reader", "commenter", "writer"] | None = Field(
        default=None, description="Access granted (share)"
    )

    OPERATIONS: ClassVar[Mapping[str, Operation]] = {
        "upload": Operation(required=("name", "content"), optional=("folder_id", "encoding", "mime_type")),
        "download": Operation(required=("file_id",), optional=("encoding", "mime_type")),
        "list": Operation(optional=("folder_id", "query", "max_results")),
        "create_folder": Operation(required=("name",), optional=("folder_id",)),
        "share": Operation(required=("file_id", "email", "role")),
        "delete": Operation(required=("file_id",)),
    }


class GoogleDriveOutput(NodeOutput):
    """What a google_drive node returns."""

    file: dict[str, Any] | None = Field(default=None, description="id, name, mime_type, size, web_link")
    files: list[dict[str, Any]] = Field(default_factory=list, description="Files found (list)")
    content: str | None = Field(default=None, description="The file's content (download)")
    web_link: str | None = Field(default=None, description="Link to open the file in Drive")


SPEC = NodeSpec(
    type="google_drive",
    category="integration",
    description="Upload, download, list, share or delete Google Drive files and folders",
    config=GoogleDriveConfig,
    output=GoogleDriveOutput,
    side_effects=True,
    icon="hard-drive",
    errors=(
        "IntegrationAuthError",
        "IntegrationNotFound",
        "IntegrationRateLimited",
        "IntegrationConfigError",
        "IntegrationError",
        "HttpTimeout",
        "HttpConnectionError",
        "OutboundRequestBlocked",
        "CredentialNotFound",
    ),
    example={
        "operation": "upload",
        "credential_id": "google-ops",
        "name": "report-{{ execution.start_time }}.csv",
        "content": "{{ input.report_csv }}",
        "mime_type": "text/csv",
    },
)


def run(config: GoogleDriveConfig, task: NodeTask, ctx: NodeContext) -> GoogleDriveOutput:
    """Call the Drive API; uploads and new folders happen once per execution and node."""
    from deca.integrations.google.drive import drive_call

    if config.operation in ("upload", "create_folder"):
        from deca.integrations.idempotency import run_once

        return run_once(ctx, task, GoogleDriveOutput, lambda: drive_call(config, ctx))
    return drive_call(config, ctx)
