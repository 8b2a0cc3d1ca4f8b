"""`cdk synth` with the npm CLI (installed by scripts/setup.sh) works without AWS credentials."""

from __future__ import annotations

import json

import pytest

from tests.cdk.conftest import CliSynth


def test_cdk_synth_works_without_aws_credentials(cli_synth: CliSynth | None) -> None:
    if cli_synth is None:
        pytest.skip("the aws-cdk CLI is not installed (npm ci --prefix cdk)")

    returncode, stderr = cli_synth.wait()

    assert returncode == 0, stderr[-3000:]
    manifest = json.loads((cli_synth.outdir / "manifest.json").read_text())
    stacks = {
        name
        for name, artifact in manifest["artifacts"].items()
        if artifact["type"] == "aws:cloudformation:stack"
    }
    assert stacks == {"deca-dev"}
