"""The deca_forms Lambda handler in-process on the local wiring."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from deca import wiring
from deca.deca_data.errors import FormNotFound
from deca.deca_data.models import FormDefinition, FormField
from functions.nodes import deca_forms
from tests.fakes.node_runs import data_lambda_wiring
from tests.layers.integrations.lambda_env import WORKSPACE, FakeLambdaContext, lambda_event


@pytest.fixture(autouse=True)
def wired(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    with data_lambda_wiring(tmp_path, monkeypatch):
        yield


def test_validate_against_stored_form() -> None:
    form = FormDefinition(
        workspace_id=WORKSPACE,
        form_id="f",
        name="F",
        fields=[FormField(name="email", type="email", required=True)],
    )
    wiring.deca_data().forms.save_form(WORKSPACE, form)
    event = lambda_event("deca_forms", {"operation": "validate", "form_id": "f", "data": {}})
    out = deca_forms.lambda_handler(event, FakeLambdaContext())
    assert out["errors"] == [{"field": "email", "message": "is required"}]


def test_unknown_form_is_form_not_found() -> None:
    with pytest.raises(FormNotFound):
        deca_forms.lambda_handler(
            lambda_event("deca_forms", {"operation": "get_form", "form_id": "x"}), FakeLambdaContext()
        )
