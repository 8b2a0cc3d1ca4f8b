"""Signature schemes against their published test vectors, rotation, tolerance and fail-closed."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from deca.triggers.webhook_signatures import (
    SignatureError,
    sign_github,
    sign_standard,
    split_secrets,
    verify_github,
    verify_standard,
)

# The Standard Webhooks reference libraries' test vector.
STD_SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
STD_ID, STD_TIME, STD_BODY = "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, b'{"test": 2432232314}'
STD_SIGNATURE = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
STD_HEADERS = {"webhook-id": STD_ID, "webhook-timestamp": str(STD_TIME), "webhook-signature": STD_SIGNATURE}
STD_NOW = datetime.fromtimestamp(STD_TIME, UTC)


def test_standard_signature_matches_the_reference_vector() -> None:
    assert sign_standard(STD_SECRET, STD_ID, STD_TIME, STD_BODY) == STD_SIGNATURE


def test_github_signature_matches_githubs_documented_example() -> None:
    expected = "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17"
    assert sign_github("It's a Secret to Everybody", b"Hello, World!") == expected


def test_standard_verification_returns_the_message_id() -> None:
    assert verify_standard(STD_HEADERS, STD_BODY, [STD_SECRET], now=STD_NOW) == STD_ID


def test_header_names_are_case_insensitive() -> None:
    headers = {name.title(): value for name, value in STD_HEADERS.items()}
    assert verify_standard(headers, STD_BODY, [STD_SECRET], now=STD_NOW) == STD_ID


def test_rotation_accepts_the_old_secret_while_listed() -> None:
    new = "whsec_bmV3LXNlY3JldC1rZXk="
    assert verify_standard(STD_HEADERS, STD_BODY, [new, STD_SECRET], now=STD_NOW) == STD_ID


@pytest.mark.parametrize(
    ("seconds", "accepted"),
    [(-300, True), (300, True), (-301, False), (301, False)],
    ids=["-5m", "+5m", "-5m1s", "+5m1s"],
)
def test_tolerance_is_five_minutes_either_way(seconds: int, accepted: bool) -> None:
    now = datetime.fromtimestamp(STD_TIME + seconds, UTC)
    if accepted:
        verify_standard(STD_HEADERS, STD_BODY, [STD_SECRET], now=now)
    else:
        with pytest.raises(SignatureError, match="tolerance"):
            verify_standard(STD_HEADERS, STD_BODY, [STD_SECRET], now=now)


def test_no_secret_fails_closed() -> None:
    with pytest.raises(SignatureError) as raised:
        verify_standard(STD_HEADERS, STD_BODY, [], now=STD_NOW)
    assert raised.value.reason == "no_secret"


def test_github_missing_header_is_refused() -> None:
    with pytest.raises(SignatureError) as raised:
        verify_github({}, b"x", ["s"])
    assert raised.value.reason == "missing"


def test_secrets_split_on_spaces_and_commas() -> None:
    assert split_secrets(" whsec_a, whsec_b  whsec_c ") == ["whsec_a", "whsec_b", "whsec_c"]
