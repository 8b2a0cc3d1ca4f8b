"""docs/api.md stays in step with the code it describes."""

from __future__ import annotations

import re
from pathlib import Path

from fastapi import FastAPI

from deca.auth import ROLE_PERMISSIONS

DOC = Path(__file__).resolve().parents[2] / "docs" / "api.md"


def test_roles_table_matches_the_role_permissions() -> None:
    # Given the table rows: | `permission` | ✓ | ... |
    lines = DOC.read_text().splitlines()
    header = next(line for line in lines if line.startswith("| permission |"))
    roles = [cell.strip() for cell in header.strip("|").split("|")[1:]]
    documented: dict[str, set[str]] = {role: set() for role in roles}
    for line in lines:
        match = re.match(r"\| `([a-z]+:[a-z]+)` \|(.*)\|$", line)
        if match:
            for role, cell in zip(roles, match.group(2).split("|"), strict=True):
                if cell.strip():
                    documented[role].add(match.group(1))

    # Then they are exactly the code's
    assert documented == {role: set(ROLE_PERMISSIONS[role]) for role in roles}  # type: ignore[index]


def test_every_route_is_documented(app: FastAPI) -> None:
    text = DOC.read_text()
    for path, item in app.openapi()["paths"].items():
        for method in item:
            assert f"`{method.upper()} {path}" in text, f"{method.upper()} {path} is not in docs/api.md"
