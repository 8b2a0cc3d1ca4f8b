"""Google Sheets API v4: read, look up, append, update and clear value ranges; create spreadsheets.

With `header_row`, the first row of the sheet names the columns: reads give objects, and object rows
are written in the header's column order (a key that is not a column is an error naming it).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from deca.integrations.errors import IntegrationConfigError
from deca.integrations.google.client import google_api
from deca.integrations.rest import RestClient
from deca.nodes.google_sheets import GoogleSheetsConfig, GoogleSheetsOutput

if TYPE_CHECKING:
    from deca.nodes.context import NodeContext

__all__ = ["sheets_call"]

_SERVICE = "google_sheets"


def _values_path(spreadsheet_id: str, a1_range: str, suffix: str = "") -> str:
    return f"/spreadsheets/{quote(spreadsheet_id, safe='')}/values/{quote(a1_range, safe='!:')}{suffix}"


def _url(spreadsheet_id: str) -> str:
    return f"https://docs.google.com/spreadsheets/d/{spreadsheet_id}"


def _read(api: RestClient, spreadsheet_id: str, a1_range: str) -> list[list[Any]]:
    answer = api.call("GET", _values_path(spreadsheet_id, a1_range))
    values: list[list[Any]] = answer.get("values", []) if isinstance(answer, dict) else []
    return values


def _as_objects(values: list[list[Any]]) -> list[dict[str, Any]]:
    if not values:
        return []
    header = [str(h) for h in values[0]]
    return [{name: (row[i] if i < len(row) else "") for i, name in enumerate(header)} for row in values[1:]]


def _header(api: RestClient, config: GoogleSheetsConfig) -> list[str]:
    assert config.spreadsheet_id is not None and config.range is not None
    sheet = config.range.split("!", 1)[0]
    rows = _read(api, config.spreadsheet_id, f"{sheet}!1:1")
    if not rows:
        raise IntegrationConfigError(
            f"config.header_row: the sheet '{sheet}' has no header row to match object keys against",
            service=_SERVICE,
        )
    return [str(h) for h in rows[0]]


def _rows(api: RestClient, config: GoogleSheetsConfig) -> list[list[Any]]:
    values = config.values
    if not isinstance(values, list):
        raise IntegrationConfigError("config.values: expected a list of rows, got text", service=_SERVICE)
    if not any(isinstance(row, dict) for row in values):
        return [list(row) for row in values if isinstance(row, list)]
    if not all(isinstance(row, dict) for row in values):
        raise IntegrationConfigError("config.values: mix of object rows and list rows", service=_SERVICE)
    header = _header(api, config)
    rows = []
    for index, row in enumerate(values):
        assert isinstance(row, dict)
        unknown = [key for key in row if key not in header]
        if unknown:
            raise IntegrationConfigError(
                f"config.values[{index}].{unknown[0]}: no such column in the header row ({', '.join(header)})",
                service=_SERVICE,
            )
        rows.append([row.get(name, "") for name in header])
    return rows


def sheets_call(config: GoogleSheetsConfig, ctx: NodeContext) -> GoogleSheetsOutput:
    """Run the configured Sheets operation and map the answer to the node output."""
    with google_api(ctx, config.credential_id, _SERVICE) as api:
        if config.operation == "create_spreadsheet":
            created = api.call("POST", "/spreadsheets", json={"properties": {"title": config.title}})
            sid = created["spreadsheetId"]
            return GoogleSheetsOutput(spreadsheet_id=sid, url=created.get("spreadsheetUrl") or _url(sid))
        sid, a1 = config.spreadsheet_id, config.range
        assert sid is not None and a1 is not None  # required by every other operation
        base = GoogleSheetsOutput(spreadsheet_id=sid, url=_url(sid))
        if config.operation in ("read", "lookup"):
            values = _read(api, sid, a1)
            if config.operation == "read":
                rows = _as_objects(values) if config.header_row else []
                return base.model_copy(update={"values": values, "rows": rows})
            header = [str(h) for h in values[0]] if values else []
            if config.lookup_column not in header:
                raise IntegrationConfigError(
                    f"config.lookup_column: '{config.lookup_column}' is not in the header row ({', '.join(header)})",
                    service=_SERVICE,
                )
            wanted = str(config.lookup_value)
            found = [row for row in _as_objects(values) if str(row.get(config.lookup_column or "")) == wanted]
            return base.model_copy(update={"rows": found})
        if config.operation == "clear":
            cleared = api.call("POST", _values_path(sid, a1, ":clear"), json={})
            return base.model_copy(update={"updated_range": cleared.get("clearedRange")})
        option = "USER_ENTERED" if config.value_input == "user_entered" else "RAW"
        cells = _rows(api, config)
        if config.operation == "append":
            answer = api.call(
                "POST",
                _values_path(sid, a1, ":append"),
                params={"valueInputOption": option, "insertDataOption": "INSERT_ROWS"},
                json={"majorDimension": "ROWS", "values": cells},
            )
            updates = answer.get("updates", {})
        else:
            updates = api.call(
                "PUT",
                _values_path(sid, a1),
                params={"valueInputOption": option},
                json={"range": a1, "majorDimension": "ROWS", "values": cells},
            )
        return base.model_copy(
            update={
                "updated_range": updates.get("updatedRange"),
                "updated_rows": updates.get("updatedRows", 0),
            }
        )
