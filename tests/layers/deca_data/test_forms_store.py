"""Forms repository contract: definitions, validation rules, submissions."""

from __future__ import annotations

from typing import Any

import pytest

from deca.deca_data.errors import FormNotFound, FormValidationError, SubmissionNotFound
from deca.deca_data.models import FormDefinition, FormField
from deca.deca_data.stores import DecaDataStores
from tests.fakes.clock import FakeClock


def signup(workspace_id: str = "ws-1") -> FormDefinition:
    """A form with a rule of each kind."""
    return FormDefinition(
        workspace_id=workspace_id,
        form_id="signup",
        name="Sign up",
        fields=[
            FormField(name="email", type="email", required=True),
            FormField(name="age", type="integer", min=18, max=120),
            FormField(name="plan", type="select", options=["free", "pro"]),
            FormField(name="code", type="text", pattern=r"[A-Z]{3}", min_length=3),
            FormField(name="topics", type="multiselect", options=["ai", "web"], max_length=2),
        ],
    )


@pytest.fixture
def form(data: DecaDataStores) -> FormDefinition:
    return data.forms.save_form("ws-1", signup())


@pytest.mark.usefixtures("form")
@pytest.mark.parametrize(
    ("answers", "problem"),
    [
        ({}, ("email", "is required")),
        ({"email": "nope"}, ("email", "is not an email address")),
        ({"email": "a@b.co", "age": 17}, ("age", "must be at least 18")),
        ({"email": "a@b.co", "age": "20"}, ("age", "expects an integer, got str")),
        ({"email": "a@b.co", "plan": "gold"}, ("plan", "'gold' is not one of ['free', 'pro']")),
        ({"email": "a@b.co", "code": "abc"}, ("code", "does not have the expected format")),
        ({"email": "a@b.co", "topics": ["ai", "web", "ai"]}, ("topics", "must have at most 2 items")),
        ({"email": "a@b.co", "color": "red"}, ("color", "is not a field of this form")),
    ],
    ids=["required", "email", "min", "type", "options", "pattern", "max-items", "unknown"],
)
def test_validate_names_the_broken_field(
    data: DecaDataStores, answers: dict[str, Any], problem: tuple[str, str]
) -> None:
    assert data.forms.validate("ws-1", "signup", answers) == [problem]


@pytest.mark.usefixtures("form")
def test_valid_answers_have_no_problems(data: DecaDataStores) -> None:
    answers = {"email": "a@b.co", "age": 30, "plan": "pro", "code": "ABC", "topics": ["ai"]}
    assert data.forms.validate("ws-1", "signup", answers) == []


@pytest.mark.usefixtures("form")
def test_submit_stores_valid_answers(data: DecaDataStores) -> None:
    submission = data.forms.submit("ws-1", "signup", {"email": "a@b.co"})
    assert data.forms.get_submission("ws-1", "signup", submission.submission_id) == submission


@pytest.mark.usefixtures("form")
def test_submit_rejects_invalid_answers_naming_fields(data: DecaDataStores) -> None:
    with pytest.raises(FormValidationError, match=r"data\.email: is required") as caught:
        data.forms.submit("ws-1", "signup", {"age": 3})
    assert [f for f, _ in caught.value.errors] == ["email", "age"]
    assert data.forms.list_submissions("ws-1", "signup") == []


@pytest.mark.usefixtures("form")
def test_list_submissions_newest_first_since(data: DecaDataStores, clock: FakeClock) -> None:
    first = data.forms.submit("ws-1", "signup", {"email": "a@b.co"})
    clock.advance(10)
    second = data.forms.submit("ws-1", "signup", {"email": "c@d.co"})
    assert [s.submission_id for s in data.forms.list_submissions("ws-1", "signup")] == [
        second.submission_id,
        first.submission_id,
    ]
    since = data.forms.list_submissions("ws-1", "signup", since=first.submitted_at)
    assert [s.submission_id for s in since] == [second.submission_id]


def test_missing_form_is_form_not_found(data: DecaDataStores) -> None:
    with pytest.raises(FormNotFound, match="form_id: form 'nope'"):
        data.forms.validate("ws-1", "nope", {})


@pytest.mark.usefixtures("form")
def test_missing_submission_is_submission_not_found(data: DecaDataStores) -> None:
    with pytest.raises(SubmissionNotFound, match="submission_id"):
        data.forms.get_submission("ws-1", "signup", "sub_9")


@pytest.mark.usefixtures("form")
def test_form_of_other_workspace_is_not_found(data: DecaDataStores) -> None:
    with pytest.raises(FormNotFound):
        data.forms.get_form("ws-2", "signup")
