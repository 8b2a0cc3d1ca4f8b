"""Fixtures of the compiler tests: the example flows, golden-file regeneration, moto and the runtime."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

REPO_ROOT = Path(__file__).resolve().parents[3]
EXAMPLES_DIR = REPO_ROOT / "examples"
GOLDEN_DIR = REPO_ROOT / "tests" / "statemachines" / "golden"


def pytest_addoption(parser: pytest.Parser) -> None:
    """`--update-golden` rewrites the golden ASL files instead of comparing with them."""
    parser.addoption(
        "--update-golden", action="store_true", default=False, help="regenerate tests/statemachines/golden"
    )


@pytest.fixture
def update_golden(request: pytest.FixtureRequest) -> bool:
    """True with `--update-golden` (or DECA_UPDATE_GOLDEN=1 when the option is not registered)."""
    try:
        flag = bool(request.config.getoption("--update-golden"))
    except ValueError:
        flag = False
    return flag or os.environ.get("DECA_UPDATE_GOLDEN") == "1"


def example_paths() -> list[Path]:
    """Every example flow document."""
    return sorted(EXAMPLES_DIR.glob("*.json"))


def golden_flow_paths() -> list[Path]:
    """Every flow compiled into a golden ASL file: the examples and the golden-only feature flows."""
    return [*example_paths(), *sorted((GOLDEN_DIR / "flows").glob("*.json"))]


def load(path: Path) -> Any:
    """A JSON document from disk."""
    return json.loads(path.read_text(encoding="utf-8"))
