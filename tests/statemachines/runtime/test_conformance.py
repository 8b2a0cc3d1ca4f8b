"""Every case of the AWS-recorded conformance corpus runs on the local runtime (fake clock)."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.statemachines.runtime.conformance import REPO_ROOT, check_case, load_cases

pytestmark = pytest.mark.conformance

CASES = load_cases()
RESULTS: dict[str, str | None] = {}


def known_failures() -> dict[str, str]:
    """Cases listed with a reason under "Known failures" in docs/asl-conformance.md."""
    doc = REPO_ROOT / "docs" / "asl-conformance.md"
    if not doc.is_file():
        return {}
    text = doc.read_text(encoding="utf-8")
    section = text.split("## Known failures", 1)[-1] if "## Known failures" in text else ""
    return dict(re.findall(r"^- `([^`]+)`: (.+)$", section, flags=re.MULTILINE))


KNOWN = known_failures()


@pytest.mark.skipif(not CASES, reason="conformance corpus not found next to the repository")
@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_case_matches_aws(case: dict[str, Any]) -> None:
    # Given a case recorded against AWS, When it runs locally, Then status/output/error/history match
    problem = check_case(case)
    RESULTS[case["name"]] = problem
    if problem is not None and case["name"] in KNOWN:
        pytest.xfail(f"known failure: {KNOWN[case['name']]}")
    assert problem is None, problem


def test_known_failures_are_real_cases() -> None:
    names = {c["name"] for c in CASES}
    assert not CASES or set(KNOWN) <= names
