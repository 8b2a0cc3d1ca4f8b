"""Prints the conformance pass count at the end of the test session."""

from __future__ import annotations

from typing import Any

import pytest


def pytest_terminal_summary(terminalreporter: Any, exitstatus: int, config: pytest.Config) -> None:
    """One line: how many corpus cases passed."""
    from tests.statemachines.runtime.test_conformance import CASES, RESULTS

    if not RESULTS:
        return
    passed = sum(1 for problem in RESULTS.values() if problem is None)
    terminalreporter.write_line(
        f"ASL conformance: {passed}/{len(RESULTS)} cases pass ({len(CASES)} in the corpus)"
    )
