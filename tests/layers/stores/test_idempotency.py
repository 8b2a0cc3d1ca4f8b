"""IdempotencyRepository contract: claims, replays and expiry by the injected clock."""

from __future__ import annotations

import pytest
from deca.errors import NotFoundError
from deca.stores import Stores

from tests.fakes import records
from tests.fakes.clock import FakeClock


def test_free_key_is_claimed_with_the_given_record(stores: Stores) -> None:
    record = records.idempotency()

    assert stores.idempotency.put_if_absent("ws-1", record) == record
    assert stores.idempotency.get("ws-1", "key-1") == record


def test_live_key_returns_the_first_claim(stores: Stores) -> None:
    first = stores.idempotency.put_if_absent("ws-1", records.idempotency(result={"execution_id": "e-1"}))

    second = stores.idempotency.put_if_absent("ws-1", records.idempotency(result={"execution_id": "e-2"}))

    assert second == first


def test_expired_key_can_be_claimed_again(stores: Stores, clock: FakeClock) -> None:
    stores.idempotency.put_if_absent("ws-1", records.idempotency(ttl=60, result="old"))
    clock.advance(60)
    fresh = records.idempotency(ttl=120, result="new")

    assert stores.idempotency.put_if_absent("ws-1", fresh) == fresh


def test_expired_key_is_not_found(stores: Stores, clock: FakeClock) -> None:
    stores.idempotency.put_if_absent("ws-1", records.idempotency(ttl=60))
    clock.advance(59.999)
    stores.idempotency.get("ws-1", "key-1")

    clock.advance(0.001)

    with pytest.raises(NotFoundError):
        stores.idempotency.get("ws-1", "key-1")


def test_set_result_is_replayed(stores: Stores) -> None:
    stores.idempotency.put_if_absent("ws-1", records.idempotency())

    updated = stores.idempotency.set_result("ws-1", "key-1", {"execution_id": "e-1"})

    assert updated.result == {"execution_id": "e-1"}
    assert stores.idempotency.put_if_absent("ws-1", records.idempotency()).result == {"execution_id": "e-1"}


def test_set_result_of_missing_or_expired_key_is_not_found(stores: Stores, clock: FakeClock) -> None:
    with pytest.raises(NotFoundError):
        stores.idempotency.set_result("ws-1", "key-1", 1)
    stores.idempotency.put_if_absent("ws-1", records.idempotency(ttl=1))
    clock.advance(1)
    with pytest.raises(NotFoundError):
        stores.idempotency.set_result("ws-1", "key-1", 1)


def test_deleted_key_is_free(stores: Stores) -> None:
    stores.idempotency.put_if_absent("ws-1", records.idempotency(result="old"))

    stores.idempotency.delete("ws-1", "key-1")
    stores.idempotency.delete("ws-1", "key-1")

    with pytest.raises(NotFoundError):
        stores.idempotency.get("ws-1", "key-1")


def test_keys_are_scoped_to_their_workspace(stores: Stores) -> None:
    stores.idempotency.put_if_absent("ws-1", records.idempotency(result="one"))

    claimed = stores.idempotency.put_if_absent("ws-2", records.idempotency("ws-2", result="two"))

    assert claimed.result == "two"
    stores.idempotency.delete("ws-2", "key-1")
    assert stores.idempotency.get("ws-1", "key-1").result == "one"
