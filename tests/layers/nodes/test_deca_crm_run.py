"""deca_crm node run in-process: create/match, get with properties, search, delete, errors."""

from __future__ import annotations

import pytest

from deca.deca_data.errors import CrmError, RecordNotFound
from deca.nodes.context import NodeContext
from deca.nodes.handlers import InvalidNodeConfig
from tests.fakes.node_runs import data_context, run


@pytest.fixture
def ctx() -> NodeContext:
    return data_context()


def contact(ctx: NodeContext, email: str, node_id: str, **extra: object) -> dict[str, object]:
    config = {
        "operation": "create",
        "entity": "contact",
        "match_on": ["email"],
        "data": {"email": email, **extra},
    }
    return run(ctx, "deca_crm", config, node_id=node_id)


def test_create_then_match_updates(ctx: NodeContext) -> None:
    first = contact(ctx, "ada@example.com", "a", name="Ada")
    second = contact(ctx, "ada@example.com", "b", plan="pro")
    assert (first["created"], second["created"], second["id"]) == (True, False, first["id"])
    assert second["record"]["name"] == "Ada"


def test_get_returns_only_requested_properties(ctx: NodeContext) -> None:
    made = contact(ctx, "ada@example.com", "a", name="Ada")
    out = run(
        ctx,
        "deca_crm",
        {"operation": "get", "entity": "contact", "record_id": made["id"], "properties": ["name"]},
    )
    assert {k for k in out["record"] if k not in ("id", "entity", "created_at", "updated_at")} == {"name"}


def test_search_with_filters_counts_total(ctx: NodeContext) -> None:
    contact(ctx, "a@x.com", "a", score=10)
    contact(ctx, "b@x.com", "b", score=50)
    out = run(
        ctx, "deca_crm", {"operation": "search", "entity": "contact", "filters": {"score": {"$gt": 20}}}
    )
    assert (out["total"], out["records"][0]["email"]) == (1, "b@x.com")


def test_delete_reports_deleted(ctx: NodeContext) -> None:
    made = contact(ctx, "a@x.com", "a")
    out = run(
        ctx, "deca_crm", {"operation": "delete", "entity": "contact", "record_id": made["id"]}, node_id="d"
    )
    assert (out["deleted"], out["id"]) == (True, made["id"])
    with pytest.raises(RecordNotFound):
        run(ctx, "deca_crm", {"operation": "get", "entity": "contact", "record_id": made["id"]})


def test_bad_email_is_crm_error(ctx: NodeContext) -> None:
    with pytest.raises(CrmError, match=r"data\.email"):
        contact(ctx, "nope", "a")


def test_unknown_entity_is_invalid_config(ctx: NodeContext) -> None:
    with pytest.raises(InvalidNodeConfig, match=r"config\.entity"):
        run(ctx, "deca_crm", {"operation": "search", "entity": "lead"})
