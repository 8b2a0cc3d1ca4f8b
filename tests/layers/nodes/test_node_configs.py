"""Node configs reject unknown keys and wrong combinations, naming the field; templates fit typed fields."""

from __future__ import annotations

from typing import Any

import jsonschema
import pytest
from pydantic import ValidationError

from deca.nodes.registry import NODE_TYPES

ALL_TYPES = sorted(NODE_TYPES)


def _errors(node_type: str, config: dict[str, Any]) -> list[dict[str, Any]]:
    with pytest.raises(ValidationError) as caught:
        NODE_TYPES[node_type].config.model_validate(config)
    return [dict(e) for e in caught.value.errors()]


@pytest.mark.parametrize("node_type", ALL_TYPES)
def test_unknown_key_is_rejected_at_its_path(node_type: str) -> None:
    # Given a valid config with a typo'd key
    config = {**NODE_TYPES[node_type].example, "timeuot": 5}
    # When it is validated, then the error points at the key itself
    errors = _errors(node_type, config)
    assert [(e["loc"], e["type"]) for e in errors] == [(("timeuot",), "extra_forbidden")]


# (node type, config, field the error names, fragment of the message)
WRONG_COMBINATIONS: list[tuple[str, dict[str, Any], str, str]] = [
    ("s3", {"operation": "get", "bucket": "reports"}, "key", "required when operation is 'get'"),
    (
        "s3",
        {"operation": "list", "bucket": "reports", "key": "a.txt"},
        "key",
        "not used when operation is 'list'",
    ),
    (
        "s3",
        {"operation": "presign", "bucket": "reports", "key": "a"},
        "method",
        "required when operation is 'presign'",
    ),
    ("s3", {"operation": "put", "bucket": "reports", "key": "a"}, "body", "required when operation is 'put'"),
    ("deca_crm", {"operation": "update", "entity": "deal", "record_id": "d1"}, "data", "required"),
    ("deca_crm", {"operation": "search", "entity": "contact", "record_id": "c1"}, "record_id", "not used"),
    ("deca_crm", {"operation": "create", "entity": "lead", "data": {}}, "entity", "contact"),
    ("deca_tables", {"operation": "update", "table_id": "t", "data": {"a": 1}}, "row_id", "exactly one of"),
    ("deca_tables", {"operation": "upsert", "table_id": "t", "rows": []}, "key_columns", "required"),
    (
        "deca_knowledge_base",
        {"operation": "add_document", "knowledge_base_id": "kb"},
        "content",
        "exactly one",
    ),
    ("deca_chatbot", {"operation": "get_history", "chatbot_id": "bot"}, "session_id", "required"),
    ("deca_pages", {"operation": "publish", "site_id": "s"}, "page_id", "required"),
    ("deca_forms", {"operation": "submit", "form_id": "f"}, "data", "required"),
    ("http_request", {"url": "https://x.io", "body": {"a": 1}}, "body", "not allowed with method GET"),
    ("http_request", {"url": "ftp://x.io"}, "url", "pattern"),
    (
        "http_request",
        {"url": "https://x.io", "auth": {"type": "api_key", "credential_id": "k"}},
        "name",
        "required",
    ),
    (
        "http_request",
        {"url": "https://x.io", "pagination": {"mode": "cursor", "items_path": "data", "param": "c"}},
        "next_cursor_path",
        "required",
    ),
    (
        "http_request",
        {
            "url": "https://x.io",
            "headers": {"Authorization": "Bearer x"},
            "auth": {"type": "bearer", "credential_id": "k"},
        },
        "Authorization",
        "conflicts",
    ),
    (
        "http_request",
        {"url": "https://x.io", "headers": {"X-API-Key": "sk-live-123"}},
        "X-API-Key",
        "literal secret",
    ),
    ("wait", {"seconds": 5, "until": "2026-01-01T00:00:00Z"}, "seconds", "exactly one"),
    ("wait", {}, "until", "exactly one"),
    ("wait", {"seconds": "soon"}, "seconds", "pattern"),
    ("code", {"language": "ruby", "source": "puts 1"}, "language", "python"),
    ("code", {"language": "python", "source": "x", "timeout": 0}, "timeout", "greater than or equal"),
    (
        "email",
        {"from": "a@b.co", "to": ["c@d.co"], "template": "welcome", "subject": "Hi"},
        "subject",
        "template",
    ),
    ("email", {"from": "a@b.co", "to": ["c@d.co"], "subject": "Hi"}, "text", "html"),
    ("email", {"from": "not-an-email", "to": ["c@d.co"], "subject": "Hi", "text": "x"}, "from", "pattern"),
    (
        "switch",
        {"cases": [{"name": "a", "condition": "{{ 1 }}"}, {"name": "a", "condition": "{{ 2 }}"}]},
        "cases[1].name",
        "duplicate",
    ),
    ("switch", {"cases": [{"name": "default", "condition": "{{ 1 }}"}]}, "cases[0].name", "reserved"),
    (
        "mcp_tool",
        {"server_id": "gh", "server_url": "https://mcp.x.io", "tool": "t"},
        "server_id",
        "exactly one",
    ),
    ("agent", {"prompt": "hi"}, "agent_id", "model"),
    (
        "agent",
        {"prompt": "hi", "model": "m", "base_url": "https://llm.local"},
        "base_url",
        "openai_compatible",
    ),
    (
        "form",
        {"title": "t", "fields": [{"name": "x", "label": "X", "type": "select"}]},
        "options",
        "required",
    ),
    (
        "approval",
        {"title": "t", "approvers": ["a"], "required_approvals": 2},
        "required_approvals",
        "exceeds",
    ),
    (
        "aggregate",
        {"items": "{{ input.x }}", "aggregations": [{"name": "s", "function": "sum"}]},
        "field",
        "sum",
    ),
    ("openai", {"operation": "chat", "model": "m", "credential_id": "c"}, "messages", "required"),
    (
        "openai",
        {"operation": "embedding", "model": "m", "credential_id": "c", "input": "x", "prompt": "p"},
        "prompt",
        "not used",
    ),
    (
        "google_sheets",
        {"operation": "read", "credential_id": "g", "spreadsheet_id": "s"},
        "range",
        "required",
    ),
    (
        "google_calendar",
        {"operation": "create_event", "credential_id": "g", "summary": "s", "start": "x"},
        "end",
        "required",
    ),
    (
        "google_gmail",
        {"operation": "send", "credential_id": "g", "to": ["a@b.co"], "subject": "s"},
        "body",
        "required",
    ),
    (
        "google_drive",
        {"operation": "share", "credential_id": "g", "file_id": "f", "email": "a@b.co"},
        "role",
        "required",
    ),
    (
        "zendesk",
        {"operation": "add_comment", "subdomain": "acme", "credential_id": "z", "ticket_id": 4},
        "comment",
        "required",
    ),
    ("slack", {"operation": "send_message", "credential_id": "s", "channel": "#x"}, "text", "blocks"),
    ("stop_and_error", {"error": "States.Timeout", "message": "m"}, "error", "reserved"),
    ("loop", {"items": "input.orders"}, "items", "pattern"),
    ("set", {"values": {"not valid": 1}}, "not valid", "pattern"),
    ("sort", {"items": [], "by": [{"field": "a..b"}]}, "field", "pattern"),
]


@pytest.mark.parametrize(
    ("node_type", "config", "field", "fragment"),
    WRONG_COMBINATIONS,
    ids=[f"{t}-{f}-{i}" for i, (t, _, f, _) in enumerate(WRONG_COMBINATIONS)],
)
def test_wrong_combination_names_the_field(
    node_type: str, config: dict[str, Any], field: str, fragment: str
) -> None:
    errors = _errors(node_type, config)
    # The field is named either by the error location or, for cross-field rules, in the message.
    rendered = [".".join(str(p) for p in e["loc"]) + ": " + e["msg"] for e in errors]
    assert any(field in line and fragment in line for line in rendered), rendered


@pytest.mark.parametrize(
    ("node_type", "config"),
    [
        ("wait", {"seconds": "{{ input.delay }}"}),
        ("wait", {"until": "{{ input.remind_at }}"}),
        ("loop", {"items": "{{ input.orders }}", "max_concurrency": 0}),
        ("http_request", {"url": "{{ input.base_url }}/v1/users", "timeout": "{{ input.timeout }}"}),
        ("respond_to_webhook", {"status_code": "{{ input.status }}"}),
        (
            "http_request",
            {"url": "https://x.io", "headers": {"Authorization": "Bearer {{ login.body.token }}"}},
        ),
        (
            "zendesk",
            {
                "operation": "get_ticket",
                "subdomain": "acme",
                "credential_id": "z",
                "ticket_id": "{{ input.id }}",
            },
        ),
        ("email", {"from": "{{ vars.sender }}", "to": ["{{ input.email }}"], "subject": "Hi", "text": "x"}),
    ],
    ids=[
        "wait-seconds",
        "wait-until",
        "loop-items",
        "http-url-timeout",
        "respond-status",
        "http-token-header",
        "zendesk-id",
        "email",
    ],
)
def test_typed_fields_accept_a_whole_template(node_type: str, config: dict[str, Any]) -> None:
    NODE_TYPES[node_type].config.model_validate(config)


def test_operation_field_error_has_no_generic_prefix() -> None:
    errors = _errors("s3", {"operation": "delete", "bucket": "reports"})
    assert [(e["loc"], e["msg"]) for e in errors] == [(("key",), "required when operation is 'delete'")]


def test_operation_field_set_to_null_counts_as_absent() -> None:
    NODE_TYPES["s3"].config.model_validate({"operation": "list", "bucket": "reports", "key": None})


def test_invalid_operation_is_reported_once_on_the_operation() -> None:
    errors = _errors("s3", {"operation": "copy", "bucket": "reports", "key": "a"})
    assert [e["loc"] for e in errors] == [("operation",)]


@pytest.mark.parametrize(
    ("config", "valid"),
    [
        ({"operation": "get", "bucket": "reports"}, False),
        ({"operation": "get", "bucket": "reports", "key": "a"}, True),
        ({"operation": "list", "bucket": "reports", "key": "a"}, False),
        ({"operation": "list", "bucket": "reports", "prefix": "2026/"}, True),
        ({"operation": "presign", "bucket": "reports", "key": "a", "method": "PUT"}, True),
        ({"operation": "presign", "bucket": "reports", "key": "a", "method": None}, False),
    ],
    ids=["get-no-key", "get", "list-key", "list", "presign", "presign-null-method"],
)
def test_exported_json_schema_enforces_the_operation_rules_like_the_model(
    config: dict[str, Any], valid: bool
) -> None:
    # Given the JSON Schema editors and the UI use, and the pydantic model
    model = NODE_TYPES["s3"].config
    validator = jsonschema.Draft202012Validator(model.model_json_schema(by_alias=True))
    # Then both accept and reject the same configs
    assert validator.is_valid(config) is valid
    try:
        model.model_validate(config)
        model_valid = True
    except ValidationError:
        model_valid = False
    assert model_valid is valid


@pytest.mark.parametrize("node_type", ALL_TYPES)
def test_example_config_satisfies_the_exported_json_schema(node_type: str) -> None:
    spec = NODE_TYPES[node_type]
    validator = jsonschema.Draft202012Validator(spec.config.model_json_schema(by_alias=True))
    assert [e.message for e in validator.iter_errors(dict(spec.example))] == []


def _mutations(node_type: str) -> list[dict[str, Any]]:
    """Near-miss variants of a type's example: each key removed, each field nulled, each operation chosen."""
    spec = NODE_TYPES[node_type]
    example = dict(spec.example)
    variants = [{k: v for k, v in example.items() if k != key} for key in example]
    variants += [{**example, name: None} for name in spec.config.model_fields]
    selector = getattr(spec.config, "SELECTOR", None)
    for operation in getattr(spec.config, "OPERATIONS", {}):
        variants.append({**example, str(selector): operation})
    return variants


@pytest.mark.parametrize("node_type", ALL_TYPES)
def test_json_schema_accepts_every_config_the_model_accepts(node_type: str) -> None:
    # The designer validates with the exported schema: it must never reject what the backend accepts.
    spec = NODE_TYPES[node_type]
    validator = jsonschema.Draft202012Validator(spec.config.model_json_schema(by_alias=True))
    rejected = []
    for variant in _mutations(node_type):
        try:
            spec.config.model_validate(variant)
        except ValidationError:
            continue
        if not validator.is_valid(variant):
            rejected.append(variant)
    assert rejected == []
