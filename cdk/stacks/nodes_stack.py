"""The node Lambdas of an environment: one per node type that compiles to a Lambda task, and the code runner.

Function names follow the compiler: `CompileOptions(function_prefix=config.function_prefix)` turns a node of
type `<type>` into `lambda:invoke` of `deca-<env>-node-<type>`, so other stacks refer to them by name.
"""

from __future__ import annotations

import aws_cdk as cdk
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_iam as iam
from constructs import Construct

from cdk.config import EnvironmentConfig
from cdk.constructs.grants import grant_bucket_prefixes, grant_key_use, grant_secret_read
from cdk.constructs.lambda_function import (
    DecaFunction,
    FunctionSettings,
    SharedFunctionProps,
    failures_queue,
    shared_layer,
)
from cdk.constructs.node_types import lambda_node_types
from cdk.constructs.python_assets import LambdaPackaging
from cdk.stacks.data_stack import DataStack
from cdk.stacks.shared_environment import grant_notification_email, shared_environment

__all__ = ["CODE_RUNNER", "NodesStack"]

CODE_RUNNER = "code-runner"
# Node types that run user code (code, registered functions, agents' function tools): they call the
# isolated code-runner Lambda instead of running it next to their own secrets and network access.
_USER_CODE_TYPES = frozenset({"code", "function", "agent", "deca_chatbot"})
"""Name (after `deca-<env>-`) of the sandboxed code runner the `code` node invokes."""

_LARGE_MEMORY_TYPES = {"agent", "openai", "deca_knowledge_base", "deca_chatbot"}
_HUMAN_TASK_TYPES = frozenset({"approval", "form"})


class NodesStack(cdk.NestedStack):
    """Node functions with their own roles, the shared layer, the failures queue and the code runner."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        config: EnvironmentConfig,
        data: DataStack,
        packaging: LambdaPackaging,
    ) -> None:
        super().__init__(
            scope,
            construct_id,
            description=f"DECA AI Studio {config.name}: node functions and the code runner",
        )
        self.config = config
        layer = shared_layer(self, config, packaging)
        self.failures = failures_queue(self, "NodeFailures", f"{config.prefix}node-failures")
        shared = SharedFunctionProps(
            config=config,
            code=packaging.function_code(),
            layer=layer,
            vpc=data.vpc,
            failures=self.failures,
            alarm_topic=data.alarm_topic,
            environment=shared_environment(self, config, data),
        )
        self.code_runner = DecaFunction(
            self,
            "CodeRunner",
            shared,
            FunctionSettings(
                name=CODE_RUNNER,
                handler="functions.services.code_runner.lambda_handler",
                service="code-runner",
                memory_mb=config.code_runner_memory_mb,
                timeout_seconds=900,
                security_groups=[data.sandbox_security_group],
                subnet_type=ec2.SubnetType.PRIVATE_ISOLATED,
                reserved_concurrency=config.code_runner_reserved_concurrency,
                isolated=True,
                description="Runs sandboxed user code: no permissions, no secrets, no outbound route",
            ),
        )
        self.functions: dict[str, DecaFunction] = {}
        for node_type in lambda_node_types():
            self.functions[node_type] = self._node_function(shared, data, node_type)

    def _node_function(self, shared: SharedFunctionProps, data: DataStack, node_type: str) -> DecaFunction:
        config = self.config
        memory = config.agent_memory_mb if node_type in _LARGE_MEMORY_TYPES else config.node_memory_mb
        runs_user_code = node_type in _USER_CODE_TYPES
        environment = {"DECA_CODE_RUNNER_FUNCTION": self.code_runner.function_name} if runs_user_code else {}
        node = DecaFunction(
            self,
            _construct_id(node_type),
            shared,
            FunctionSettings(
                name=f"node-{node_type}",
                handler=f"functions.nodes.{node_type}.lambda_handler",
                service=f"node-{node_type}",
                memory_mb=memory,
                timeout_seconds=config.node_timeout_seconds,
                environment=environment,
                security_groups=[data.lambda_security_group],
                description=f"DECA node '{node_type}' ({config.name})",
            ),
        )
        grant_data_access(node.role, data, prefixes=("payloads/", "knowledge/"))
        grant_key_use(node.role, data.credentials_key, ["kms:Decrypt"])
        if runs_user_code:
            self.code_runner.function.grant_invoke(node.role)
        if node_type in _HUMAN_TASK_TYPES:  # they sign the links of the requests they open
            grant_secret_read(node.role, data.hitl_link_secret, data.data_key)
            grant_notification_email(self, config, node.role)  # they notify the assignees
        return node


def grant_data_access(role: iam.IRole, data: DataStack, *, prefixes: tuple[str, ...]) -> None:
    """Read the Atlas secret and read/write the bucket under `prefixes` (KMS use through S3 only)."""
    grant_secret_read(role, data.atlas_secret, data.data_key)
    grant_bucket_prefixes(role, data.bucket, data.data_key, prefixes)


def _construct_id(node_type: str) -> str:
    return "Node" + "".join(part.capitalize() for part in node_type.split("_"))
