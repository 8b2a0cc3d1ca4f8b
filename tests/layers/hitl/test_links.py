"""Signed links approve once and refuse reuse, tampering, another action and expiry."""

from __future__ import annotations

from pathlib import Path

import pytest

from deca.hitl import LinkExpired, LinkInvalid, LinkSigner, LinkUsed, load_or_create_link_key
from tests.fakes.clock import FakeClock
from tests.layers.hitl.conftest import LINK_KEY, WS, Harness, approval_flow


def _approve_link(harness: Harness) -> tuple[str, str]:
    result = harness.start(approval_flow(), {"amount": 300})
    [request] = harness.pending()
    return result.execution_arn, harness.service.links(request, recipient="ann@example.com")["approve"]


def test_signed_link_approves_and_resumes_the_flow(harness: Harness) -> None:
    arn, link = _approve_link(harness)

    answered = harness.service.use_link(link, action="approve")

    assert answered.decisions[-1].by == "ann@example.com"
    assert harness.runtime.describe(arn).status == "SUCCEEDED"


def test_signed_link_is_refused_the_second_time(harness: Harness) -> None:
    _, link = _approve_link(harness)
    harness.service.use_link(link)

    with pytest.raises(LinkUsed):
        harness.service.use_link(link)


def test_tampered_link_is_refused(harness: Harness) -> None:
    _, link = _approve_link(harness)
    payload, signature = link.split(".")
    tampered = payload[:-2] + ("A" if payload[-2] != "A" else "B") + payload[-1] + "." + signature

    with pytest.raises(LinkInvalid):
        harness.service.use_link(tampered)


def test_link_signed_with_another_key_is_refused(harness: Harness) -> None:
    other = LinkSigner(b"x" * 32, harness.clock).sign(WS, "hr_1", "approve", ttl_seconds=60)

    with pytest.raises(LinkInvalid):
        harness.service.use_link(other)


def test_expired_link_is_refused(harness: Harness) -> None:
    _, link = _approve_link(harness)
    harness.clock.advance(86_401)

    with pytest.raises(LinkExpired):
        harness.service.use_link(link)


def test_approve_link_cannot_be_used_to_reject() -> None:
    signer = LinkSigner(LINK_KEY, FakeClock())
    link = signer.sign(WS, "hr_1", "approve", ttl_seconds=60)

    with pytest.raises(LinkInvalid):
        signer.verify(link, "reject")


def test_reject_link_rejects(harness: Harness) -> None:
    result = harness.start(approval_flow(), {"amount": 300})
    [request] = harness.pending()

    harness.service.use_link(harness.service.links(request)["reject"], comment="no")

    assert harness.runtime.describe(result.execution_arn).output["approve"]["decision"] == "rejected"


def test_link_key_is_created_once_and_reused(tmp_path: Path) -> None:
    path = tmp_path / "keys" / "links.key"

    first = load_or_create_link_key(path)

    assert load_or_create_link_key(path) == first and len(first) == 32
    assert path.stat().st_mode & 0o777 == 0o600
