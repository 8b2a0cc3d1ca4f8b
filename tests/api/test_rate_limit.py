"""Per-workspace rate limiting: 429 with Retry-After, one workspace cannot starve another."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.ratelimit import CacheWindowLimiter, TokenBucketLimiter
from deca.auth import LocalIssuer, RateLimitedError, StaticJwks
from deca.cache import MemoryCache
from deca.crypto import Envelope
from deca.settings import Settings
from deca.stores import Stores
from tests.api.conftest import OTHER_WORKSPACE, Caller
from tests.fakes.clock import FakeClock


@pytest.fixture
def limited(
    settings: Settings, stores: Stores, issuer: LocalIssuer, clock: FakeClock, envelope: Envelope
) -> Iterator[TestClient]:
    """An app allowing bursts of 3 requests, refilled at 60 a minute."""
    tight = settings.model_copy(update={"rate_limit_per_minute": 60, "rate_limit_burst": 3})
    app = create_app(tight, stores, jwks=StaticJwks(issuer.jwks()), envelope=envelope, clock=clock)
    with TestClient(app) as client:
        yield client


def test_requests_over_the_burst_get_429_with_retry_after(limited: TestClient, caller: Caller) -> None:
    headers = caller.headers("viewer")

    statuses = [limited.get("/flows", headers=headers).status_code for _ in range(4)]
    refused = limited.get("/flows", headers=headers)

    assert statuses == [200, 200, 200, 429]
    assert refused.json()["error"]["code"] == "rate_limited"
    assert refused.headers["retry-after"] == "1"


def test_tokens_come_back_with_time(limited: TestClient, caller: Caller, clock: FakeClock) -> None:
    headers = caller.headers("viewer")
    for _ in range(3):
        limited.get("/flows", headers=headers)

    clock.advance(1)

    assert limited.get("/flows", headers=headers).status_code == 200


def test_one_workspace_does_not_use_up_another(limited: TestClient, caller: Caller) -> None:
    noisy = caller.headers("viewer")
    for _ in range(4):
        limited.get("/flows", headers=noisy)

    quiet = caller.headers("viewer", workspace=OTHER_WORKSPACE)

    assert limited.get("/flows", headers=quiet).status_code == 200


def test_health_is_not_rate_limited(limited: TestClient) -> None:
    assert all(limited.get("/health").status_code == 200 for _ in range(10))


def test_token_bucket_waits_as_long_as_a_token_takes() -> None:
    clock = FakeClock()
    limiter = TokenBucketLimiter(per_minute=6, burst=1, clock=clock)
    limiter.check("w")

    with pytest.raises(RateLimitedError) as refused:
        limiter.check("w")

    assert refused.value.retry_after_seconds == 10


def test_cache_window_limiter_counts_per_minute_in_the_shared_cache() -> None:
    # Given two API processes sharing one cache
    clock = FakeClock()
    cache = MemoryCache(clock)
    first, second = (CacheWindowLimiter(cache, per_minute=2, clock=clock) for _ in range(2))

    # When they admit the workspace's requests together
    first.check("w")
    second.check("w")

    # Then the third one in the minute is refused until the next window
    with pytest.raises(RateLimitedError) as refused:
        first.check("w")
    assert refused.value.retry_after_seconds == 60
    clock.advance(60)
    second.check("w")


def test_cache_url_puts_the_limit_in_the_shared_cache(
    settings: Settings,
    stores: Stores,
    issuer: LocalIssuer,
    clock: FakeClock,
    envelope: Envelope,
    caller: Caller,
) -> None:
    # Given an app with a cache URL and a limit of two a minute (the burst alone would allow more)
    shared = settings.model_copy(update={"cache_url": "memory://", "rate_limit_per_minute": 2})
    app = create_app(shared, stores, jwks=StaticJwks(issuer.jwks()), envelope=envelope, clock=clock)
    headers = caller.headers("viewer")

    # When three requests come in the same minute
    with TestClient(app) as client:
        statuses = [client.get("/flows", headers=headers).status_code for _ in range(3)]

    # Then the window counter refuses the third
    assert statuses == [200, 200, 429]
