"""`cdk synth` with the npm CLI (installed by scripts/setup.sh) works without AWS credentials."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
CDK_CLI = REPO_ROOT / "cdk" / "node_modules" / ".bin" / "cdk"

pytestmark = pytest.mark.skipif(
    not CDK_CLI.exists(), reason="the aws-cdk CLI is not installed (npm ci --prefix cdk)"
)


def _without_credentials() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(
        AWS_EC2_METADATA_DISABLED="true",  # no instance-metadata probing for credentials
        AWS_CONFIG_FILE=os.devnull,
        AWS_SHARED_CREDENTIALS_FILE=os.devnull,
        CDK_DISABLE_VERSION_CHECK="1",
        CDK_DISABLE_CLI_TELEMETRY="true",
    )
    return env


def test_cdk_synth_works_without_aws_credentials(tmp_path: Path) -> None:
    command = [
        str(CDK_CLI), "synth", "--quiet", "--no-notices", "--ci",
        "-c", "env=dev", "-c", "skip_dependencies=true", "--output", str(tmp_path),
    ]  # fmt: skip

    result = subprocess.run(
        command, cwd=REPO_ROOT, env=_without_credentials(), capture_output=True, text=True, timeout=300
    )

    assert result.returncode == 0, result.stderr[-3000:]
    manifest = json.loads((tmp_path / "manifest.json").read_text())
    stacks = {
        name
        for name, artifact in manifest["artifacts"].items()
        if artifact["type"] == "aws:cloudformation:stack"
    }
    assert stacks == {"deca-dev-data", "deca-dev-nodes", "deca-dev-app"}
