"""Suite-wide scan for leaked secrets: no known secret value may appear in a log record, captured output
or an API answer.

Tests and fixtures register the secret values they use (`register_secret`; the API test client registers
every credential value it sends). Every log record at INFO and above (with its extra keys and traceback)
and every API answer the API test client receives is kept for the running test; at the end of each
test those and its captured stdout, stderr and log text are searched for every registered secret, and a
hit turns the test's report into a failure naming where the secret was seen. Each pytest-xdist worker
scans what its own tests produced, and the failures travel to the controller as ordinary reports.
"""

from __future__ import annotations

import contextlib
import json
import logging
import threading
from collections.abc import Generator
from typing import Any

import pytest

from deca.nodes.secret_use import PUBLIC_FIELDS

__all__ = ["MIN_SECRET_LENGTH", "note_output", "register_secret", "registered_secrets"]

MIN_SECRET_LENGTH = 6
"""Shorter values ("v", "k-9") are test placeholders that ordinary text contains by chance."""

_lock = threading.Lock()
_secrets: set[str] = set()
_outputs: list[tuple[str, str]] = []  # (where, text) produced by the running test
_STANDARD_ATTRS = set(vars(logging.LogRecord("", 0, "", 0, "", (), None))) | {"message", "asctime"}


def register_secret(value: str) -> None:
    """Declare `value` a secret: the rest of the session fails any test whose output shows it."""
    if len(value) >= MIN_SECRET_LENGTH:
        with _lock:
            _secrets.add(value)


def register_credential_value(value: Any) -> None:
    """Register a credential value: a string, or each secret field of an object (not `base_url`, ...)."""
    if isinstance(value, str):
        register_secret(value)
    elif isinstance(value, dict):
        for name, field in value.items():
            if name not in PUBLIC_FIELDS and isinstance(field, str):
                register_secret(field)


def registered_secrets() -> frozenset[str]:
    """Every secret registered so far in this process."""
    with _lock:
        return frozenset(_secrets)


def note_output(where: str, text: str) -> None:
    """Keep `text` (e.g. an API answer) to be scanned at the end of the running test."""
    with _lock:
        _outputs.append((where, text))


class _Capture(logging.Handler):
    """Keeps the text of every record: message, extra keys and traceback."""

    def emit(self, record: logging.LogRecord) -> None:
        try:
            text = record.getMessage()
        except Exception:  # a record whose arguments do not fit its format: keep both
            text = f"{record.msg!r} {record.args!r}"
        extras = {k: v for k, v in vars(record).items() if k not in _STANDARD_ATTRS}
        if extras:
            text += " " + repr(extras)
        if record.exc_info:
            text += "\n" + logging.Formatter().formatException(record.exc_info)
        note_output(f"log record of {record.name}", text)


_handler = _Capture(level=logging.INFO)


def pytest_sessionstart(session: pytest.Session) -> None:
    """Capture every record at INFO and above from here on."""
    root = logging.getLogger()
    root.addHandler(_handler)
    if root.level > logging.INFO or root.level == logging.NOTSET:
        root.setLevel(logging.INFO)


def _leaks(report: pytest.TestReport, outputs: list[tuple[str, str]]) -> list[str]:
    secrets = registered_secrets()
    if not secrets:
        return []
    sources = [*outputs, *((f"captured {name}", text) for name, text in report.sections)]
    found = []
    for where, text in sources:
        for secret in secrets:
            if secret in text:
                found.append(f"secret {secret[:3]}… seen in {where}: {text[:200]!r}")
    return found


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Generator[None, Any, None]:
    """At a test's teardown, fail its report if any secret appeared in what the test produced."""
    outcome = yield
    if call.when != "teardown":
        return
    report: pytest.TestReport = outcome.get_result()
    with _lock:
        outputs = list(_outputs)
        _outputs.clear()
    leaks = _leaks(report, outputs)
    if leaks:
        report.outcome = "failed"
        report.longrepr = "secret leaked:\n" + "\n".join(leaks)


def scan_json_body(where: str, body: bytes) -> None:
    """Keep an answer's body for the scan (decoded, so escaped characters compare as sent)."""
    text = body.decode("utf-8", errors="replace")
    with contextlib.suppress(ValueError):
        text += "\n" + json.dumps(json.loads(text), ensure_ascii=False)
    note_output(where, text)
