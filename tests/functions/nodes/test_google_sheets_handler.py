"""The google_sheets Lambda handler in-process against the loopback fake Google APIs."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from functions.nodes import google_sheets
from tests.fakes.google_api import FakeGoogle
from tests.layers.integrations.lambda_env import FakeLambdaContext, lambda_event, lambda_wiring


@pytest.fixture
def fake(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeGoogle]:
    api = FakeGoogle()
    credential = {"refresh_token": "1//refresh", "client_id": "client-1", "client_secret": "secret-1"}
    with (
        api.server,
        lambda_wiring(tmp_path, monkeypatch, credentials={"g": credential}, base_urls=api.base_urls()),
    ):
        yield api


def test_handler_appends_a_row_with_a_refreshed_token(fake: FakeGoogle) -> None:
    sheet = fake.add_spreadsheet({"Leads": [["email"]]})
    config = {
        "operation": "append",
        "credential_id": "g",
        "spreadsheet_id": sheet,
        "range": "Leads",
        "values": [["a@b.co"]],
    }
    out = google_sheets.lambda_handler(lambda_event("google_sheets", config), FakeLambdaContext())
    assert fake.spreadsheets[sheet]["sheets"]["Leads"] == [["email"], ["a@b.co"]]
    assert out["updated_rows"] == 1
