"""CRM repository contract: entities, required fields, match-on create, search and tenancy."""

from __future__ import annotations

import pytest

from deca.deca_data.errors import CrmError, RecordNotFound
from deca.deca_data.stores import DecaDataStores


def test_create_then_get(data: DecaDataStores) -> None:
    record, created = data.crm.create("ws-1", "contact", {"email": "ada@example.com", "name": "Ada"})
    assert created
    assert data.crm.get("ws-1", "contact", record.record_id).data == {
        "email": "ada@example.com",
        "name": "Ada",
    }


@pytest.mark.parametrize(
    ("entity", "values", "message"),
    [
        ("contact", {"phone": "1"}, "data.email: a contact needs email or name"),
        ("company", {"domain": "x.com"}, "data.name: a company needs name"),
        ("deal", {"name": "Big", "amount": "lots"}, "data.amount: expects a number"),
        ("contact", {"email": "not-an-email"}, "data.email: 'not-an-email' is not an email address"),
    ],
    ids=["contact", "company", "deal-amount", "email"],
)
def test_bad_data_is_crm_error_naming_field(
    data: DecaDataStores, entity: str, values: dict[str, str], message: str
) -> None:
    with pytest.raises(CrmError, match=message):
        data.crm.create("ws-1", entity, values)  # type: ignore[arg-type]


def test_create_with_match_on_updates_existing(data: DecaDataStores) -> None:
    first, _ = data.crm.create("ws-1", "contact", {"email": "ada@example.com", "name": "Ada"})
    again, created = data.crm.create(
        "ws-1", "contact", {"email": "ada@example.com", "company": "ACME"}, match_on=["email"]
    )
    assert (again.record_id, created) == (first.record_id, False)
    assert again.data == {"email": "ada@example.com", "name": "Ada", "company": "ACME"}


def test_update_with_null_removes_field(data: DecaDataStores) -> None:
    record, _ = data.crm.create("ws-1", "company", {"name": "ACME", "domain": "acme.com"})
    updated = data.crm.update("ws-1", "company", record.record_id, {"domain": None})
    assert updated.data == {"name": "ACME"}


def test_search_text_filters_and_sort(data: DecaDataStores) -> None:
    for name, amount, stage in [("Alpha deal", 10, "won"), ("Beta deal", 50, "open"), ("Gamma", 30, "won")]:
        data.crm.create("ws-1", "deal", {"name": name, "amount": amount, "stage": stage})
    won = data.crm.search("ws-1", "deal", filters={"stage": "won"}, sort="-amount")
    assert [r.data["name"] for r in won] == ["Gamma", "Alpha deal"]
    assert [r.data["name"] for r in data.crm.search("ws-1", "deal", query="DEAL", sort="name")] == [
        "Alpha deal",
        "Beta deal",
    ]
    assert len(data.crm.search("ws-1", "deal", filters={"amount": {"$gte": 30}})) == 2


def test_search_with_bad_operator_names_it(data: DecaDataStores) -> None:
    with pytest.raises(CrmError, match=r"filters\.amount\.\$between: unknown operator"):
        data.crm.search("ws-1", "deal", filters={"amount": {"$between": [1, 2]}})


def test_delete_then_get_is_record_not_found(data: DecaDataStores) -> None:
    record, _ = data.crm.create("ws-1", "activity", {"type": "call"})
    data.crm.delete("ws-1", "activity", record.record_id)
    with pytest.raises(RecordNotFound, match="record_id"):
        data.crm.get("ws-1", "activity", record.record_id)


def test_records_of_other_workspace_are_invisible(data: DecaDataStores) -> None:
    record, _ = data.crm.create("ws-1", "contact", {"name": "Ada"})
    with pytest.raises(RecordNotFound):
        data.crm.get("ws-2", "contact", record.record_id)
    assert data.crm.search("ws-2", "contact") == []
