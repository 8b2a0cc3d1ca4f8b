"""CDK entry point: `cdk synth|deploy -c env=<name>` builds the stacks of one environment.

Context: `env` (default `dev`), any `EnvironmentConfig` field as an override, and
`skip_dependencies=true` to bundle the layer without pip-installing its dependencies (fast synth in tests).
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import aws_cdk as cdk

from cdk.config import EnvironmentConfig, config_from_context
from cdk.constructs.python_assets import LambdaPackaging
from cdk.stacks.app_stack import AppStack
from cdk.stacks.data_stack import DataStack
from cdk.stacks.nodes_stack import NodesStack

__all__ = ["DecaStacks", "build_app", "default_context", "main"]

SKIP_DEPENDENCIES_CONTEXT = "skip_dependencies"
CDK_JSON = Path(__file__).resolve().parents[1] / "cdk.json"


class DecaStacks:
    """One stack `deca-<env>` (so `cdk deploy -c env=<env>` deploys everything) holding three nested stacks.

    `data` (stateful: network, keys, bucket, secrets, cache), `nodes` (node functions) and `app` (the
    rest) keep the stateful resources apart and under CloudFormation's 500-resource limit each; values
    cross between them as nested-stack parameters, not exports, so nothing is locked by an import.
    """

    def __init__(self, app: cdk.App, config: EnvironmentConfig, packaging: LambdaPackaging) -> None:
        env = cdk.Environment(
            account=config.account or os.environ.get("CDK_DEFAULT_ACCOUNT"),
            region=config.region or os.environ.get("CDK_DEFAULT_REGION"),
        )
        self.root = cdk.Stack(
            app,
            f"{config.prefix.rstrip('-')}",
            env=env,
            termination_protection=config.retain_data,
            description=f"DECA AI Studio, environment {config.name}",
        )
        self.data = DataStack(self.root, "Data", config=config)
        self.nodes = NodesStack(self.root, "Nodes", config=config, data=self.data, packaging=packaging)
        self.app = AppStack(
            self.root, "App", config=config, data=self.data, nodes=self.nodes, packaging=packaging
        )
        cdk.Tags.of(self.root).add("project", "deca-ai-studio")
        cdk.Tags.of(self.root).add("environment", config.name)
        cdk.CfnOutput(
            self.root, "ApiUrl", value=self.app.rest_api.url, description="Base URL of the REST API"
        )
        cdk.CfnOutput(
            self.root,
            "WebhookBaseUrl",
            value=self.app.rest_api.webhook_base_url,
            description="Webhooks: <base><workspace>/<path>",
        )
        cdk.CfnOutput(
            self.root,
            "BucketName",
            value=self.data.bucket.bucket_name,
            description="Payloads, exports, knowledge files",
        )

    @property
    def nested(self) -> dict[str, cdk.NestedStack]:
        """The nested stacks by short name, in deploy order."""
        return {"data": self.data, "nodes": self.nodes, "app": self.app}


def default_context() -> dict[str, Any]:
    """The `context` of `cdk.json` (feature flags, default env), also applied when no CLI runs the app."""
    context: dict[str, Any] = json.loads(CDK_JSON.read_text())["context"]
    return context


def build_app(context: dict[str, Any] | None = None, outdir: str | None = None) -> tuple[cdk.App, DecaStacks]:
    """A CDK app for the environment named by the context (as `cdk` passes it, or `context` in tests)."""
    app = cdk.App(context=None if context is None else {**default_context(), **context}, outdir=outdir)
    config = config_from_context(app.node.try_get_context)
    skip = str(app.node.try_get_context(SKIP_DEPENDENCIES_CONTEXT) or "").lower() in ("1", "true", "yes")
    return app, DecaStacks(app, config, LambdaPackaging(skip_dependencies=skip))


def main() -> None:
    """Synthesise the environment chosen with `-c env=<name>`."""
    app, _stacks = build_app()
    app.synth()


if __name__ == "__main__":
    main()
