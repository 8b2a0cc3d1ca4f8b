"""The suite's secret scan finds a registered value in log records, captured output and API answers."""

from __future__ import annotations

import logging
from types import SimpleNamespace
from typing import Any

from tests import secret_scan

SECRET = "scan-self-test-4b1e9f"


def _leaks(sections: list[tuple[str, str]], outputs: list[tuple[str, str]]) -> list[str]:
    report: Any = SimpleNamespace(sections=sections)
    return secret_scan._leaks(report, outputs)


def test_a_registered_secret_in_captured_output_is_a_leak() -> None:
    secret_scan.register_secret(SECRET)

    assert _leaks([("Captured stdout call", f"token={SECRET}")], [])
    assert not _leaks([("Captured stdout call", "token=[redacted]")], [])


def test_a_log_record_is_captured_with_its_extra_keys() -> None:
    # Given the suite's handler on the root logger (added at session start)
    secret_scan.register_secret(SECRET)
    record = logging.LogRecord("deca.test", logging.INFO, __file__, 1, "calling", (), None)
    record.authorization = f"Bearer {SECRET}"

    # When a record carries the secret in an extra key
    secret_scan._Capture().emit(record)
    with secret_scan._lock:
        outputs = list(secret_scan._outputs)
        secret_scan._outputs.clear()  # this test's own plant must not fail it at teardown

    # Then the scan sees it
    assert _leaks([], outputs)


def test_short_placeholder_values_are_not_registered() -> None:
    secret_scan.register_secret("v")

    assert "v" not in secret_scan.registered_secrets()
