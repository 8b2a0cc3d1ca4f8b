"""CDK synthesis fixtures: every environment is synthesised once per session, lazily, into a temp dir."""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

# jsii's node process prints a banner on an unsupported Node version; keep test output readable.
os.environ.setdefault("JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION", "1")
os.environ.setdefault("JSII_SILENCE_WARNING_UNTESTED_NODE_VERSION", "1")
os.environ.setdefault("JSII_SILENCE_WARNING_KNOWN_BROKEN_NODE_VERSION", "1")

from aws_cdk.assertions import Template  # noqa: E402

from cdk.app import build_app  # noqa: E402

ENVIRONMENT_CONTEXT: dict[str, dict[str, str]] = {
    "dev": {},
    "staging": {},
    "prod": {"hosted_zone_id": "Z0123456789EXAMPLE", "hosted_zone_name": "deca-ai-studio.com", "alarm_email": "ops@example.com"},
    "feature-x": {},
}
"""Every environment the suite synthesises; prod also gets the Route 53 zone of its custom domain."""

ENVIRONMENTS = tuple(ENVIRONMENT_CONTEXT)
STACKS = ("data", "nodes", "app")


@dataclass(frozen=True)
class Synthesis:
    """One synthesised environment: the cloud assembly directory and its templates."""

    env: str
    outdir: Path
    templates: dict[str, dict[str, Any]]

    def template(self, stack: str) -> Template:
        """The `aws_cdk.assertions.Template` of stack `data`, `nodes` or `app`."""
        return Template.from_json(self.templates[stack])

    def resources(self, stack: str, resource_type: str) -> dict[str, dict[str, Any]]:
        """Logical id → resource of one type in one stack (plain JSON, for whole-template checks)."""
        return {k: v for k, v in self.templates[stack]["Resources"].items() if v["Type"] == resource_type}

    def template_files(self) -> list[Path]:
        """The synthesised template files."""
        return [self.outdir / f"deca-{self.env}-{stack}.template.json" for stack in STACKS]


@pytest.fixture(scope="session")
def synthesize(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Callable[[str], Synthesis]]:
    """`synthesize(env)`: the environment synthesised once per session (dependencies not pip-installed)."""
    cache: dict[str, Synthesis] = {}

    def get(env: str) -> Synthesis:
        if env not in cache:
            outdir = tmp_path_factory.mktemp(f"cdk-{env}")
            context = {"env": env, "skip_dependencies": "true", **ENVIRONMENT_CONTEXT[env]}
            app, _stacks = build_app(context, outdir=str(outdir))
            app.synth()
            templates = {
                stack: json.loads((outdir / f"deca-{env}-{stack}.template.json").read_text()) for stack in STACKS
            }
            cache[env] = Synthesis(env, outdir, templates)
        return cache[env]

    yield get


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
