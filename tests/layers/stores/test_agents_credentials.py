"""AgentRepository and CredentialRepository contracts."""

from __future__ import annotations

import pytest

from deca.errors import ConflictError, InputError, NotFoundError
from deca.stores import Stores
from tests.fakes import records
from tests.fakes.records import at


def test_created_agent_is_returned_by_get(stores: Stores) -> None:
    agent = records.agent(
        tools=[{"name": "search", "parameters": {"type": "object"}}], system_prompt="Be brief."
    )

    stores.agents.create("ws-1", agent)

    assert stores.agents.get("ws-1", "agent-1") == agent


def test_duplicate_agent_is_a_conflict(stores: Stores) -> None:
    stores.agents.create("ws-1", records.agent())

    with pytest.raises(ConflictError):
        stores.agents.create("ws-1", records.agent())


def test_agents_are_listed_by_name(stores: Stores) -> None:
    stores.agents.create("ws-1", records.agent(agent_id="a-1", name="zeta"))
    stores.agents.create("ws-1", records.agent(agent_id="a-2", name="alpha"))

    assert [a.name for a in stores.agents.list("ws-1").items] == ["alpha", "zeta"]


def test_agent_update_replaces_fields(stores: Stores) -> None:
    stores.agents.create("ws-1", records.agent())
    changed = records.agent(status="inactive", model_config={"provider": "anthropic", "model": "claude"})

    stores.agents.update("ws-1", changed)

    assert stores.agents.get("ws-1", "agent-1") == changed


def test_deleted_agent_is_not_found(stores: Stores) -> None:
    stores.agents.create("ws-1", records.agent())

    stores.agents.delete("ws-1", "agent-1")

    with pytest.raises(NotFoundError):
        stores.agents.get("ws-1", "agent-1")
    with pytest.raises(NotFoundError):
        stores.agents.delete("ws-1", "agent-1")


def test_another_workspaces_agents_behave_as_missing(stores: Stores) -> None:
    stores.agents.create("ws-1", records.agent())

    with pytest.raises(NotFoundError):
        stores.agents.get("ws-2", "agent-1")
    with pytest.raises(NotFoundError):
        stores.agents.update("ws-2", records.agent("ws-2"))
    with pytest.raises(NotFoundError):
        stores.agents.delete("ws-2", "agent-1")
    assert stores.agents.list("ws-2", status="active").items == []


def test_credential_ciphertext_round_trips_byte_for_byte(stores: Stores) -> None:
    ciphertext = bytes(range(256))

    stores.credentials.create("ws-1", records.credential(encrypted_value=ciphertext))

    assert stores.credentials.get("ws-1", "cred-1").encrypted_value == ciphertext


def test_credential_is_found_by_name(stores: Stores) -> None:
    created = stores.credentials.create("ws-1", records.credential(name="openai"))

    assert stores.credentials.get_by_name("ws-1", "openai") == created
    with pytest.raises(NotFoundError):
        stores.credentials.get_by_name("ws-1", "anthropic")


def test_credential_names_are_unique_per_workspace(stores: Stores) -> None:
    stores.credentials.create("ws-1", records.credential(credential_id="c-1", name="openai"))

    with pytest.raises(ConflictError):
        stores.credentials.create("ws-1", records.credential(credential_id="c-2", name="openai"))
    stores.credentials.create("ws-2", records.credential("ws-2", "c-2", name="openai"))


def test_renaming_a_credential_onto_another_name_is_a_conflict(stores: Stores) -> None:
    stores.credentials.create("ws-1", records.credential(credential_id="c-1", name="one"))
    stores.credentials.create("ws-1", records.credential(credential_id="c-2", name="two"))

    with pytest.raises(ConflictError):
        stores.credentials.update("ws-1", records.credential(credential_id="c-2", name="one"))
    assert stores.credentials.get("ws-1", "c-2").name == "two"


def test_rotation_replaces_ciphertext_and_keeps_creation_time(stores: Stores) -> None:
    stores.credentials.create("ws-1", records.credential(created_at=at(0)))
    rotated = records.credential(encrypted_value=b"new", key_id="k2", rotated_at=at(60), created_at=at(30))

    stored = stores.credentials.update("ws-1", rotated)

    assert (stored.encrypted_value, stored.key_id, stored.rotated_at) == (b"new", "k2", at(60))
    assert stored.created_at == at(0)


def test_credentials_are_listed_by_name(stores: Stores) -> None:
    for credential_id, name in [("c-1", "b"), ("c-2", "a"), ("c-3", "c")]:
        stores.credentials.create("ws-1", records.credential(credential_id=credential_id, name=name))

    first = stores.credentials.list("ws-1", limit=2)
    second = stores.credentials.list("ws-1", limit=2, cursor=first.next_cursor)

    assert [c.name for c in first.items + second.items] == ["a", "b", "c"]


def test_deleted_credential_is_not_found(stores: Stores) -> None:
    stores.credentials.create("ws-1", records.credential())

    stores.credentials.delete("ws-1", "cred-1")

    with pytest.raises(NotFoundError):
        stores.credentials.get("ws-1", "cred-1")


def test_another_workspaces_credentials_behave_as_missing(stores: Stores) -> None:
    stores.credentials.create("ws-1", records.credential(name="openai"))

    with pytest.raises(NotFoundError):
        stores.credentials.get("ws-2", "cred-1")
    with pytest.raises(NotFoundError):
        stores.credentials.get_by_name("ws-2", "openai")
    with pytest.raises(NotFoundError):
        stores.credentials.update("ws-2", records.credential("ws-2"))
    with pytest.raises(NotFoundError):
        stores.credentials.delete("ws-2", "cred-1")
    with pytest.raises(InputError):
        stores.credentials.create("ws-2", records.credential("ws-1", "cred-9"))
    assert stores.credentials.list("ws-2").items == []


def test_agent_update_keeps_the_creation_stamp(stores: Stores) -> None:
    stores.agents.create("ws-1", records.agent(created_by="alice"))

    updated = stores.agents.update("ws-1", records.agent(created_by="mallory", created_at=at(99)))

    assert (updated.created_by, updated.created_at) == ("alice", records.T0)
