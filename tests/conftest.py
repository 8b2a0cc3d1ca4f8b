"""Suite-wide fixtures: fake AWS credentials so no test can reach a real account."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.secret_scan import pytest_runtest_makereport, pytest_sessionstart  # noqa: F401 (hooks)

REPO_ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(autouse=True)
def aws_credentials(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Every test runs with fake AWS credentials and region (moto intercepts the calls)."""
    for key, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_SECURITY_TOKEN": "testing",
        "AWS_SESSION_TOKEN": "testing",
        "AWS_DEFAULT_REGION": "us-east-1",
    }.items():
        monkeypatch.setenv(key, value)
    yield


@pytest.fixture
def repo_root() -> Path:
    """The repository root."""
    return REPO_ROOT


# ---- ASL conformance pass count ----------------------------------------------------------------
# Counted from the test reports (not module state), so the line is right under pytest-xdist too,
# where the reports reach the controller process and the cases run in the workers.
_CONFORMANCE_TEST = "test_conformance.py::test_case_matches_aws["
_conformance = {"cases": 0, "passed": 0}


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    """Count each conformance case once, at its call phase (an expected failure does not pass)."""
    if report.when != "call" or _CONFORMANCE_TEST not in report.nodeid:
        return
    _conformance["cases"] += 1
    if report.passed and not hasattr(report, "wasxfail"):
        _conformance["passed"] += 1


def pytest_terminal_summary(terminalreporter: Any) -> None:
    """One line: how many recorded AWS Step Functions cases the local runtime passes."""
    if _conformance["cases"]:
        terminalreporter.write_line(
            f"ASL conformance: {_conformance['passed']}/{_conformance['cases']} cases pass"
        )
