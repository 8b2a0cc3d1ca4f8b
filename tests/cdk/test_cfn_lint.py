"""cfn-lint reports no error on any synthesised template."""

from __future__ import annotations

from tests.cdk.conftest import Synthesis


def test_cfn_lint_finds_no_errors(synthesis: Synthesis) -> None:
    assert synthesis.lint() == []
