"""Form answers are checked against the JSON Schema made from the form node's fields."""

from __future__ import annotations

import re
from typing import Any

import pytest

from deca.hitl import FormInvalid, form_schema, validate_form_data
from deca.nodes.form import FormConfig
from tests.layers.hitl.conftest import WS, Harness

FIELDS: list[dict[str, Any]] = [
    {"name": "budget", "label": "Budget", "type": "number", "required": True},
    {"name": "stage", "label": "Stage", "type": "select", "options": ["cold", "warm"]},
    {"name": "contact", "label": "Contact", "type": "email"},
    {"name": "start", "label": "Start", "type": "date"},
    {"name": "tags", "label": "Tags", "type": "multiselect", "options": ["a", "b"]},
    {"name": "ok", "label": "OK", "type": "checkbox"},
]
SCHEMA = form_schema(FormConfig.model_validate({"title": "Lead", "fields": FIELDS}).fields)


def test_valid_answers_pass() -> None:
    data = {
        "budget": 10,
        "stage": "warm",
        "contact": "a@b.co",
        "start": "2026-01-31",
        "tags": ["a"],
        "ok": True,
    }

    validate_form_data(SCHEMA, data)


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({}, "data.budget: 'budget' is a required property"),
        ({"budget": "ten"}, "data.budget"),
        ({"budget": 1, "stage": "hot"}, "data.stage"),
        ({"budget": 1, "contact": "nope"}, "data.contact"),
        ({"budget": 1, "start": "31/01/2026"}, "data.start"),
        ({"budget": 1, "tags": ["c"]}, "data.tags[0]"),
        ({"budget": 1, "extra": 1}, "data: Additional properties"),
    ],
)
def test_invalid_answers_name_the_field(data: dict[str, Any], field: str) -> None:
    with pytest.raises(FormInvalid, match=re.escape(field)) as raised:
        validate_form_data(SCHEMA, data)

    assert raised.value.path == field.split(":")[0]


def _form_flow() -> dict[str, Any]:
    return {
        "id": "lead",
        "name": "Lead",
        "version": 1,
        "nodes": [
            {"id": "ask", "type": "form", "config": {"title": "Qualify", "fields": FIELDS}},
            {"id": "use", "type": "set", "config": {"values": {"budget": "{{ ask.data.budget }}"}}},
        ],
        "connections": [{"from": "ask", "to": "use"}],
        "settings": {"timeout": 86_400},
    }


def test_submitting_a_form_resumes_the_flow_with_the_answers(harness: Harness) -> None:
    result = harness.start(_form_flow())
    [request] = harness.pending()

    harness.service.submit(WS, request.request_id, "sam@example.com", {"budget": 900})

    final = harness.runtime.describe(result.execution_arn)
    assert final.output["use"] == {"budget": 900}
    assert final.output["ask"]["submitted_by"] == "sam@example.com"


def test_invalid_submission_leaves_the_flow_paused(harness: Harness) -> None:
    result = harness.start(_form_flow())
    [request] = harness.pending()

    with pytest.raises(FormInvalid):
        harness.service.submit(WS, request.request_id, "sam@example.com", {"budget": "lots"})

    assert harness.runtime.describe(result.execution_arn).status == "RUNNING"
    assert harness.service.get(WS, request.request_id).status == "pending"


def test_form_submitted_through_a_signed_link(harness: Harness) -> None:
    result = harness.start(_form_flow())
    [request] = harness.pending()

    harness.service.use_link(harness.service.links(request)["submit"], data={"budget": 5})

    assert harness.runtime.describe(result.execution_arn).output["use"] == {"budget": 5}
