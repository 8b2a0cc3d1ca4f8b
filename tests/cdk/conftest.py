"""CDK synthesis fixtures: every environment is synthesised once per session, lazily, into a temp dir."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

# The jsii runtime prints a banner about the running Node's support window on every start (its value is a
# list of major versions to stay quiet about); the suite needs no banner.
os.environ.setdefault("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "18,20,22")
os.environ.setdefault("JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION", "1")

from cdk.app import build_app

if TYPE_CHECKING:
    from aws_cdk.assertions import Template

STAGING_NATS_URL = "nats://nats.staging.internal:4222"

ENVIRONMENT_CONTEXT: dict[str, dict[str, str]] = {
    "dev": {},
    "staging": {"nats_url": STAGING_NATS_URL},
    "prod": {
        "hosted_zone_id": "Z0123456789EXAMPLE",
        "hosted_zone_name": "deca-ai-studio.com",
        "alarm_email": "ops@example.com",
        "notification_sender": "approvals@example.com",
    },
    "feature-x": {},
}
"""Every environment the suite synthesises; prod gets the Route 53 zone of its domain, staging a NATS URL."""

ENVIRONMENTS = tuple(ENVIRONMENT_CONTEXT)
REPO_ROOT = Path(__file__).resolve().parents[2]
CDK_CLI = REPO_ROOT / "cdk" / "node_modules" / ".bin" / "cdk"
CLI_TIMEOUT_SECONDS = 300
LINT_TIMEOUT_SECONDS = 300
STACKS = ("data", "nodes", "app")
"""The nested stacks of the environment's stack `deca-<env>` (whose own template is `root`)."""


@dataclass(frozen=True)
class Synthesis:
    """One synthesised environment: the cloud assembly directory and its templates."""

    env: str
    outdir: Path
    templates: dict[str, dict[str, Any]]
    lint: Callable[[], list[str]]
    """cfn-lint errors of the templates (linted in the background from synthesis on, in a serial run)."""

    def template(self, stack: str) -> Template:
        """The `aws_cdk.assertions.Template` of the nested stack `data`, `nodes` or `app`, or of `root`."""
        # Imported here so that `cdk` (which quiets jsii's Node.js banner) loads before aws_cdk.
        from aws_cdk.assertions import Template

        return Template.from_json(self.templates[stack])

    def resources(self, stack: str, resource_type: str) -> dict[str, dict[str, Any]]:
        """Logical id → resource of one type in one stack (plain JSON, for whole-template checks)."""
        return {k: v for k, v in self.templates[stack]["Resources"].items() if v["Type"] == resource_type}


def cfn_lint_errors(templates: Sequence[Path]) -> list[str]:
    """`file:line: rule message` of every cfn-lint error (warnings and notes are not errors)."""
    runner = "import sys; from cfnlint.runner import main; sys.exit(main())"
    command = [
        sys.executable,
        "-c",
        runner,
        "--format",
        "parseable",
        "--regions",
        "us-east-1",
        "--",
        *map(str, templates),
    ]
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    if result.returncode % 2:  # bits: 2 errors, 4 warnings, 8 informational; odd means cfn-lint itself failed
        return [f"cfn-lint failed ({result.returncode}): {result.stderr.strip()}"]
    # parseable lines are `file:line:column:end line:end column:rule id:message`
    return [line for line in result.stdout.splitlines() if line.split(":")[5].startswith("E")]


@dataclass(frozen=True)
class CliSynth:
    """`cdk synth` of dev by the npm CLI, running in the background."""

    process: subprocess.Popen[str]
    outdir: Path

    def wait(self) -> tuple[int, str]:
        """Exit code and stderr of the CLI."""
        _stdout, stderr = self.process.communicate(timeout=CLI_TIMEOUT_SECONDS)
        return self.process.returncode, stderr


def _without_credentials() -> dict[str, str]:
    """The environment of the CLI: no AWS credentials or config, no Docker, no network checks."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(
        AWS_EC2_METADATA_DISABLED="true",  # no instance-metadata probing for credentials
        AWS_CONFIG_FILE=os.devnull,
        AWS_SHARED_CREDENTIALS_FILE=os.devnull,
        CDK_DISABLE_VERSION_CHECK="1",
        CDK_DISABLE_CLI_TELEMETRY="true",
        CDK_DOCKER="false",  # the docker executable CDK would call: any Docker use fails the synth
    )
    return env


@pytest.fixture(scope="session")
def cli_synth(tmp_path_factory: pytest.TempPathFactory) -> Iterator[CliSynth | None]:
    """The CLI's `cdk synth -c env=dev` without AWS credentials, started at once; None without the CLI."""
    if not CDK_CLI.exists():
        yield None
        return
    outdir = tmp_path_factory.mktemp("cdk-cli")
    command = [
        str(CDK_CLI), "synth", "--quiet", "--no-notices", "--ci",
        "-c", "env=dev", "-c", "skip_dependencies=true", "--output", str(outdir),
    ]  # fmt: skip
    process = subprocess.Popen(
        command,
        cwd=REPO_ROOT,
        env=_without_credentials(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    yield CliSynth(process, outdir)
    if process.poll() is None:
        process.kill()
        process.communicate()


def _serial_run() -> bool:
    """Not a pytest-xdist worker: background work here overlaps with synthesis instead of being repeated."""
    return "PYTEST_XDIST_WORKER" not in os.environ


@pytest.fixture(scope="session")
def synthesize(
    tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest
) -> Iterator[Callable[[str], Synthesis]]:
    """`synthesize(env)`: the environment synthesised once per session (dependencies not pip-installed).

    In a serial run the CLI's synth starts with the first synthesis and each environment is linted as soon
    as it is synthesised, so the work overlaps; xdist workers run both only for the tests that ask.
    """
    cache: dict[str, Synthesis] = {}
    linter = ThreadPoolExecutor(max_workers=2, thread_name_prefix="cfn-lint")
    eager = _serial_run()
    if eager:
        request.getfixturevalue("cli_synth")

    def lint_later(files: list[Path]) -> Callable[[], list[str]]:
        future: Future[list[str]] | None = linter.submit(cfn_lint_errors, files) if eager else None
        return lambda: future.result(timeout=LINT_TIMEOUT_SECONDS) if future else cfn_lint_errors(files)

    def get(env: str) -> Synthesis:
        if env not in cache:
            outdir = tmp_path_factory.mktemp(f"cdk-{env}")
            context = {"env": env, "skip_dependencies": "true", **ENVIRONMENT_CONTEXT[env]}
            app, stacks = build_app(context, outdir=str(outdir))
            app.synth()
            files = {"root": outdir / f"deca-{env}.template.json"}
            files |= {name: outdir / nested.template_file for name, nested in stacks.nested.items()}
            templates = {name: json.loads(path.read_text()) for name, path in files.items()}
            cache[env] = Synthesis(env, outdir, templates, lint_later(list(files.values())))
        return cache[env]

    yield get
    linter.shutdown(cancel_futures=True)


@pytest.fixture(params=ENVIRONMENTS)
def synthesis(request: pytest.FixtureRequest, synthesize: Callable[[str], Synthesis]) -> Synthesis:
    """Each environment in turn."""
    return synthesize(request.param)


@pytest.fixture
def dev(synthesize: Callable[[str], Synthesis]) -> Synthesis:
    """The dev environment."""
    return synthesize("dev")


@pytest.fixture
def prod(synthesize: Callable[[str], Synthesis]) -> Synthesis:
    """The prod environment."""
    return synthesize("prod")
