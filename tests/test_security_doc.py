"""docs/security.md's threat table names real test files, and every threat row names at least one."""

from __future__ import annotations

import re
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
SECURITY = REPO_ROOT / "docs" / "security.md"


def _threat_rows() -> list[str]:
    section = SECURITY.read_text(encoding="utf-8").split("## Threats and defences", 1)[1]
    rows = [line for line in section.splitlines() if line.startswith("| ")]
    return rows[2:]  # below the header and separator rows


def test_every_threat_names_a_test() -> None:
    rows = _threat_rows()

    assert len(rows) >= 10
    for row in rows:
        assert re.search(r"`tests/[^`]+`", row), row


def test_every_named_test_path_exists() -> None:
    paths = [path for row in _threat_rows() for path in re.findall(r"`(tests/[^`]+)`", row)]

    missing = [path for path in paths if not (REPO_ROOT / path).exists()]
    assert not missing
