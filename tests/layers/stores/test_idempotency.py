"""IdempotencyRepository contract: claims, replays and expiry by the injected clock."""

from __future__ import annotations

from typing import Any

import pytest

from deca.errors import NotFoundError
from deca.stores import Stores
from deca.stores.models import IdempotencyRecord
from tests.fakes import records
from tests.fakes.clock import FakeClock


def claim(clock: FakeClock, workspace_id: str = "ws-1", **fields: Any) -> IdempotencyRecord:
    """A claim of `key-1` made now by the fake clock."""
    return records.idempotency(workspace_id, now=clock.now(), **fields)


def test_free_key_is_claimed_with_the_given_record(stores: Stores, clock: FakeClock) -> None:
    record = claim(
        clock,
    )

    assert stores.idempotency.put_if_absent("ws-1", record) == record
    assert stores.idempotency.get("ws-1", "key-1") == record


def test_live_key_returns_the_first_claim(stores: Stores, clock: FakeClock) -> None:
    first = stores.idempotency.put_if_absent("ws-1", claim(clock, result={"execution_id": "e-1"}))

    second = stores.idempotency.put_if_absent("ws-1", claim(clock, result={"execution_id": "e-2"}))

    assert second == first


def test_expired_key_can_be_claimed_again(stores: Stores, clock: FakeClock) -> None:
    stores.idempotency.put_if_absent("ws-1", claim(clock, ttl=60, result="old"))
    clock.advance(60)
    fresh = claim(clock, ttl=120, result="new")

    assert stores.idempotency.put_if_absent("ws-1", fresh) == fresh


def test_expired_key_is_not_found(stores: Stores, clock: FakeClock) -> None:
    stores.idempotency.put_if_absent("ws-1", claim(clock, ttl=60))
    clock.advance(59.999)
    stores.idempotency.get("ws-1", "key-1")

    clock.advance(0.001)

    with pytest.raises(NotFoundError):
        stores.idempotency.get("ws-1", "key-1")


def test_set_result_is_replayed(stores: Stores, clock: FakeClock) -> None:
    stores.idempotency.put_if_absent(
        "ws-1",
        claim(
            clock,
        ),
    )

    updated = stores.idempotency.set_result("ws-1", "key-1", {"execution_id": "e-1"})

    assert updated.result == {"execution_id": "e-1"}
    assert stores.idempotency.put_if_absent(
        "ws-1",
        claim(
            clock,
        ),
    ).result == {"execution_id": "e-1"}


def test_set_result_of_missing_or_expired_key_is_not_found(stores: Stores, clock: FakeClock) -> None:
    with pytest.raises(NotFoundError):
        stores.idempotency.set_result("ws-1", "key-1", 1)
    stores.idempotency.put_if_absent("ws-1", claim(clock, ttl=1))
    clock.advance(1)
    with pytest.raises(NotFoundError):
        stores.idempotency.set_result("ws-1", "key-1", 1)


def test_deleted_key_is_free(stores: Stores, clock: FakeClock) -> None:
    stores.idempotency.put_if_absent("ws-1", claim(clock, result="old"))

    stores.idempotency.delete("ws-1", "key-1")
    stores.idempotency.delete("ws-1", "key-1")

    with pytest.raises(NotFoundError):
        stores.idempotency.get("ws-1", "key-1")


def test_keys_are_scoped_to_their_workspace(stores: Stores, clock: FakeClock) -> None:
    stores.idempotency.put_if_absent("ws-1", claim(clock, result="one"))

    claimed = stores.idempotency.put_if_absent("ws-2", claim(clock, "ws-2", result="two"))

    assert claimed.result == "two"
    stores.idempotency.delete("ws-2", "key-1")
    assert stores.idempotency.get("ws-1", "key-1").result == "one"


def test_set_result_with_the_claims_expiry_writes_only_onto_that_live_claim(
    stores: Stores, clock: FakeClock
) -> None:
    first = stores.idempotency.put_if_absent("ws-1", claim(clock, ttl=60, result={"claim": "a"}))

    stored = stores.idempotency.set_result(
        "ws-1", "key-1", {"claim": "a", "done": 1}, expires_at=first.expires_at
    )
    assert stored.result == {"claim": "a", "done": 1}
    assert stores.idempotency.get("ws-1", "key-1").result == {"claim": "a", "done": 1}

    # Expired: nothing is written
    clock.advance(60)
    with pytest.raises(NotFoundError):
        stores.idempotency.set_result("ws-1", "key-1", {"late": True}, expires_at=first.expires_at)

    # Taken over by a new claim: the old claimer's result does not land on it
    second = stores.idempotency.put_if_absent("ws-1", claim(clock, ttl=60, result={"claim": "b"}))
    with pytest.raises(NotFoundError):
        stores.idempotency.set_result("ws-1", "key-1", {"claim": "a", "done": 2}, expires_at=first.expires_at)
    assert stores.idempotency.get("ws-1", "key-1") == second
