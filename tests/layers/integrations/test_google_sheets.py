"""The google_sheets node against a loopback fake of the Sheets API v4."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from deca.integrations.errors import IntegrationConfigError, IntegrationNotFound
from tests.fakes.google_api import FakeGoogle

Run = Callable[..., dict[str, Any]]
LEADS = [["email", "name", "plan"], ["ada@example.com", "Ada", "pro"], ["bob@example.com", "Bob", "free"]]


@pytest.fixture
def sheet(google: FakeGoogle) -> str:
    return google.add_spreadsheet({"Leads": [list(r) for r in LEADS]})


def test_read_returns_cells(run_google: Run, sheet: str) -> None:
    out = run_google("google_sheets", {"operation": "read", "spreadsheet_id": sheet, "range": "Leads!A1:B"})
    assert out["values"] == [["email", "name"], ["ada@example.com", "Ada"], ["bob@example.com", "Bob"]]
    assert out["url"] == f"https://docs.google.com/spreadsheets/d/{sheet}"


def test_read_with_header_row_gives_objects(run_google: Run, sheet: str) -> None:
    out = run_google(
        "google_sheets", {"operation": "read", "spreadsheet_id": sheet, "range": "Leads", "header_row": True}
    )
    assert out["rows"][1] == {"email": "bob@example.com", "name": "Bob", "plan": "free"}


def test_lookup_finds_rows_by_column_value(run_google: Run, sheet: str) -> None:
    config = {
        "operation": "lookup",
        "spreadsheet_id": sheet,
        "range": "Leads",
        "lookup_column": "plan",
        "lookup_value": "pro",
    }
    out = run_google("google_sheets", config)
    assert out["rows"] == [{"email": "ada@example.com", "name": "Ada", "plan": "pro"}]


def test_lookup_of_an_unknown_column_names_the_field(run_google: Run, sheet: str) -> None:
    config = {
        "operation": "lookup",
        "spreadsheet_id": sheet,
        "range": "Leads",
        "lookup_column": "tier",
        "lookup_value": "x",
    }
    with pytest.raises(IntegrationConfigError, match=r"config\.lookup_column"):
        run_google("google_sheets", config)


def test_append_objects_follows_the_header_order(run_google: Run, google: FakeGoogle, sheet: str) -> None:
    config = {
        "operation": "append",
        "spreadsheet_id": sheet,
        "range": "Leads",
        "header_row": True,
        "values": [{"plan": "team", "email": "cy@example.com", "name": "Cy"}],
    }
    out = run_google("google_sheets", config)
    assert google.spreadsheets[sheet]["sheets"]["Leads"][-1] == ["cy@example.com", "Cy", "team"]
    assert out["updated_range"] == "Leads!A4:C4" and out["updated_rows"] == 1


def test_append_is_not_repeated_for_the_same_execution(
    run_google: Run, google: FakeGoogle, sheet: str
) -> None:
    config = {
        "operation": "append",
        "spreadsheet_id": sheet,
        "range": "Leads",
        "values": [["d@example.com", "D", "pro"]],
    }
    first = run_google("google_sheets", config)
    second = run_google("google_sheets", config)
    assert first == second
    assert len(google.spreadsheets[sheet]["sheets"]["Leads"]) == 4


def test_append_object_with_an_unknown_column_names_it(run_google: Run, sheet: str) -> None:
    config = {
        "operation": "append",
        "spreadsheet_id": sheet,
        "range": "Leads",
        "values": [{"email": "x@y.co", "tier": "gold"}],
    }
    with pytest.raises(IntegrationConfigError, match=r"config\.values\[0\]\.tier"):
        run_google("google_sheets", config)


def test_update_writes_the_range(run_google: Run, google: FakeGoogle, sheet: str) -> None:
    config = {
        "operation": "update",
        "spreadsheet_id": sheet,
        "range": "Leads!C2",
        "values": [["enterprise"]],
        "value_input": "user_entered",
    }
    out = run_google("google_sheets", config)
    assert google.spreadsheets[sheet]["sheets"]["Leads"][1] == ["ada@example.com", "Ada", "enterprise"]
    assert out["updated_range"] == "Leads!C2:C2"
    assert google.server.requests[-1].arg("valueInputOption") == "USER_ENTERED"


def test_clear_empties_the_range(run_google: Run, google: FakeGoogle, sheet: str) -> None:
    out = run_google("google_sheets", {"operation": "clear", "spreadsheet_id": sheet, "range": "Leads!A2:C3"})
    assert google.spreadsheets[sheet]["sheets"]["Leads"][1:] == [["", "", ""], ["", "", ""]]
    assert out["updated_range"] == "Leads!A2:C3"


def test_create_spreadsheet(run_google: Run, google: FakeGoogle) -> None:
    out = run_google("google_sheets", {"operation": "create_spreadsheet", "title": "Q3 leads"})
    assert google.spreadsheets[out["spreadsheet_id"]]["title"] == "Q3 leads"
    assert out["url"].endswith("/edit")


def test_unknown_spreadsheet_is_integration_not_found(run_google: Run) -> None:
    with pytest.raises(IntegrationNotFound, match="NOT_FOUND"):
        run_google("google_sheets", {"operation": "read", "spreadsheet_id": "nope", "range": "A1"})


def test_unknown_sheet_is_a_config_error_with_googles_message(run_google: Run, sheet: str) -> None:
    with pytest.raises(IntegrationConfigError, match="Unable to parse range"):
        run_google("google_sheets", {"operation": "read", "spreadsheet_id": sheet, "range": "Contacts!A1"})


def test_values_left_as_text_names_the_field(run_google: Run, sheet: str) -> None:
    config = {"operation": "append", "spreadsheet_id": sheet, "range": "Leads", "values": "{{ input.rows }}"}
    with pytest.raises(IntegrationConfigError, match=r"config\.values"):
        run_google("google_sheets", config)
