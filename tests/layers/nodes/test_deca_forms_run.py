"""deca_forms node run in-process: get, validate, submit (once), list and named errors."""

from __future__ import annotations

import pytest

from deca.deca_data.context import data_stores
from deca.deca_data.errors import FormNotFound, FormsError, FormValidationError, SubmissionNotFound
from deca.deca_data.models import FormDefinition, FormField
from deca.nodes.context import NodeContext
from deca.nodes.handlers import InvalidNodeConfig
from tests.fakes.node_runs import data_context, run


@pytest.fixture
def ctx() -> NodeContext:
    """A context whose workspace has the form `signup` (email required, age 18+)."""
    context = data_context()
    form = FormDefinition(
        workspace_id="ws-1",
        form_id="signup",
        name="Sign up",
        fields=[
            FormField(name="email", type="email", required=True),
            FormField(name="age", type="integer", min=18),
        ],
    )
    data_stores(context).forms.save_form("ws-1", form)
    return context


def test_get_form_returns_definition(ctx: NodeContext) -> None:
    out = run(ctx, "deca_forms", {"operation": "get_form", "form_id": "signup"})
    assert [f["name"] for f in out["form"]["fields"]] == ["email", "age"]


def test_validate_reports_each_field(ctx: NodeContext) -> None:
    out = run(ctx, "deca_forms", {"operation": "validate", "form_id": "signup", "data": {"age": 12}})
    assert out["valid"] is False
    assert out["errors"] == [
        {"field": "email", "message": "is required"},
        {"field": "age", "message": "must be at least 18"},
    ]


def test_validate_accepts_good_data(ctx: NodeContext) -> None:
    out = run(ctx, "deca_forms", {"operation": "validate", "form_id": "signup", "data": {"email": "a@b.co"}})
    assert (out["valid"], out["errors"]) == (True, [])


def test_submit_stores_once_per_execution_and_node(ctx: NodeContext) -> None:
    config = {"operation": "submit", "form_id": "signup", "data": {"email": "a@b.co", "age": 30}}
    first = run(ctx, "deca_forms", config)
    assert run(ctx, "deca_forms", config) == first
    listed = run(ctx, "deca_forms", {"operation": "list_submissions", "form_id": "signup"})
    assert (listed["count"], listed["submissions"][0]["data"]) == (1, {"email": "a@b.co", "age": 30})


def test_submit_invalid_data_is_form_validation_error(ctx: NodeContext) -> None:
    with pytest.raises(FormValidationError, match=r"data\.email: is not an email address"):
        run(ctx, "deca_forms", {"operation": "submit", "form_id": "signup", "data": {"email": "nope"}})


def test_data_that_is_not_an_object_is_forms_error(ctx: NodeContext) -> None:
    with pytest.raises(FormsError, match="data: expects an object"):
        run(ctx, "deca_forms", {"operation": "validate", "form_id": "signup", "data": "text"})


def test_unknown_form_is_form_not_found(ctx: NodeContext) -> None:
    with pytest.raises(FormNotFound, match="form_id"):
        run(ctx, "deca_forms", {"operation": "get_form", "form_id": "other"})


def test_unknown_submission_is_submission_not_found(ctx: NodeContext) -> None:
    with pytest.raises(SubmissionNotFound):
        run(ctx, "deca_forms", {"operation": "get_submission", "form_id": "signup", "submission_id": "sub_9"})


def test_since_that_is_not_a_time_is_invalid_config(ctx: NodeContext) -> None:
    with pytest.raises(InvalidNodeConfig, match=r"config\.since: .*ISO-8601"):
        run(ctx, "deca_forms", {"operation": "list_submissions", "form_id": "signup", "since": "yesterday"})
