"""`google_sheets`: reads and writes Google Sheets ranges and rows."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, ClassVar, Literal

from pydantic import Field

from deca.nodes.base import NodeOutput, NodeSpec
from deca.nodes.common import OPERATION_HELP, CredentialId, Operation, OperationConfig, TemplateStr

if TYPE_CHECKING:
    from deca.nodes.context import NodeContext
    from deca.nodes.task import NodeTask

__all__ = ["SPEC", "GoogleSheetsConfig", "GoogleSheetsOutput", "run"]


class GoogleSheetsConfig(OperationConfig):
    """Config of the google_sheets node."""

    operation: Literal["read", "lookup", "append", "update", "clear", "create_spreadsheet"] = Field(
        description=OPERATION_HELP
    )
    credential_id: CredentialId = Field(description="Google OAuth or service-account credential")
    spreadsheet_id: str | None = Field(default=None, min_length=1, description="From the sheet's URL")
    range: str | None = Field(
        default=None, min_length=1, description="A1 notation, e.g. `Leads!A1:F` or `Leads`"
    )
    values: TemplateStr | list[list[Any]] | list[dict[str, Any]] | None = Field(
        default=None,
        description="Rows to write: lists of cells, or objects keyed by the header row (header_row)",
    )
    header_row: bool | None = Field(
        default=None, description="First row holds column names: read gives objects, writes accept objects"
    )
    value_input: Literal["raw", "user_entered"] | None = Field(
        default=None, description="user_entered: parse formulas and dates like the UI (default raw)"
    )
    lookup_column: str | None = Field(
        default=None, min_length=1, description="Header of the column to match (lookup; needs a header row)"
    )
    lookup_value: Any = Field(
        default=None, description="Value the column must equal (lookup; templates allowed)"
    )
    title: str | None = Field(
        default=None, min_length=1, max_length=200, description="New spreadsheet's title"
    )

    OPERATIONS: ClassVar[Mapping[str, Operation]] = {
        "read": Operation(required=("spreadsheet_id", "range"), optional=("header_row",)),
        "lookup": Operation(required=("spreadsheet_id", "range", "lookup_column", "lookup_value")),
        "append": Operation(
            required=("spreadsheet_id", "range", "values"), optional=("header_row", "value_input")
        ),
        "update": Operation(
            required=("spreadsheet_id", "range", "values"), optional=("header_row", "value_input")
        ),
        "clear": Operation(required=("spreadsheet_id", "range")),
        "create_spreadsheet": Operation(required=("title",)),
    }


class GoogleSheetsOutput(NodeOutput):
    """What a google_sheets node returns."""

    values: list[list[Any]] = Field(default_factory=list, description="Cells read (read)")
    rows: list[dict[str, Any]] = Field(
        default_factory=list, description="Rows as objects (read with header_row, lookup)"
    )
    updated_range: str | None = Field(default=None, description="Range written (append, update, clear)")
    updated_rows: int = Field(default=0, ge=0, description="Rows written or cleared")
    spreadsheet_id: str | None = Field(default=None, description="Id of the spreadsheet")
    url: str | None = Field(default=None, description="Link to open the spreadsheet")


SPEC = NodeSpec(
    type="google_sheets",
    category="integration",
    description="Read, look up, append, update or clear Google Sheets rows, or create a spreadsheet",
    config=GoogleSheetsConfig,
    output=GoogleSheetsOutput,
    side_effects=True,
    icon="sheet",
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
        "operation": "append",
        "credential_id": "google-sales",
        "spreadsheet_id": "1AbC",
        "range": "Leads",
        "header_row": True,
        "values": [{"email": "{{ input.email }}"}],
    },
)


def run(config: GoogleSheetsConfig, task: NodeTask, ctx: NodeContext) -> GoogleSheetsOutput:
    """Call the Sheets API; appending rows and creating a spreadsheet happen once per execution and node."""
    from deca.integrations.google.sheets import sheets_call

    if config.operation in ("append", "create_spreadsheet"):
        from deca.integrations.idempotency import run_once

        return run_once(ctx, task, GoogleSheetsOutput, lambda: sheets_call(config, ctx))
    return sheets_call(config, ctx)
