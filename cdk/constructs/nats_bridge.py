"""The NATS bridge consumer: a long-running ECS Fargate service (arm64) in the private subnets.

It subscribes to the JetStream subjects of the message contract and turns them into Step Functions
executions and EventBridge events; the image is built from `cdk/docker/nats_bridge.Dockerfile` at deploy.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import aws_cdk as cdk
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_ecr_assets as ecr_assets
from aws_cdk import aws_ecs as ecs
from aws_cdk import aws_kms as kms
from aws_cdk import aws_logs as logs
from aws_cdk import aws_secretsmanager as secretsmanager
from constructs import Construct

from cdk.config import EnvironmentConfig
from cdk.constructs.grants import grant_secret_read
from cdk.constructs.python_assets import REPO_ROOT
from cdk.constructs.retention import retention_days

__all__ = ["BRIDGE_IMAGE_EXCLUDES", "NatsBridgeService"]

BRIDGE_IMAGE_EXCLUDES = [
    "*",
    "!pyproject.toml",
    "!README.md",
    "!layers",
    "!statemachines",
    "!functions",
    "!api",
    "!cdk/docker",
    "**/__pycache__",
    "**/*.pyc",
]
"""Docker build context: only the Python sources (the default would copy `.venv`, `ui/node_modules`, ...)."""


class NatsBridgeService(Construct):
    """Cluster, task definition and service of the bridge; `task_role` receives the grants."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        config: EnvironmentConfig,
        vpc: ec2.IVpc,
        security_groups: Sequence[ec2.ISecurityGroup],
        nats_secret: secretsmanager.ISecret,
        secret_key: kms.IKey,
        environment: Mapping[str, str],
    ) -> None:
        super().__init__(scope, construct_id)
        self.cluster = ecs.Cluster(
            self,
            "Cluster",
            cluster_name=f"{config.prefix}bridge",
            vpc=vpc,
            container_insights_v2=ecs.ContainerInsights.ENABLED,
        )
        self.task_definition = ecs.FargateTaskDefinition(
            self,
            "Task",
            family=f"{config.prefix}nats-bridge",
            cpu=config.bridge_cpu,
            memory_limit_mib=config.bridge_memory_mb,
            runtime_platform=ecs.RuntimePlatform(
                cpu_architecture=ecs.CpuArchitecture.ARM64,
                operating_system_family=ecs.OperatingSystemFamily.LINUX,
            ),
        )
        self.task_role = self.task_definition.task_role
        self.log_group = logs.LogGroup(
            self,
            "Logs",
            log_group_name=f"/ecs/{config.prefix}nats-bridge",
            retention=retention_days(config.log_retention_days),
            removal_policy=cdk.RemovalPolicy.RETAIN if config.retain_data else cdk.RemovalPolicy.DESTROY,
        )
        image = ecs.ContainerImage.from_asset(
            str(REPO_ROOT),
            file="cdk/docker/nats_bridge.Dockerfile",
            exclude=BRIDGE_IMAGE_EXCLUDES,
            ignore_mode=cdk.IgnoreMode.DOCKER,
            platform=ecr_assets.Platform.LINUX_ARM64,
        )
        self.task_definition.add_volume(name="tmp")  # the root filesystem is read-only
        container = self.task_definition.add_container(
            "Bridge",
            container_name="nats-bridge",
            image=image,
            essential=True,
            readonly_root_filesystem=True,
            logging=ecs.LogDriver.aws_logs(stream_prefix="bridge", log_group=self.log_group),
            environment={
                **{k: v for k, v in environment.items() if k != "DECA_NATS_URL"},  # from the secret below
                "POWERTOOLS_SERVICE_NAME": "nats-bridge",
                "POWERTOOLS_LOG_LEVEL": config.log_level,
                "POWERTOOLS_METRICS_NAMESPACE": f"DecaAIStudio/{config.name}",
                "DECA_DEPLOYMENT": config.name,
            },
            # Imported by ARN so the grant lands on the execution role, not on the data stack's key policy.
            secrets={
                "DECA_NATS_URL": ecs.Secret.from_secrets_manager(
                    secretsmanager.Secret.from_secret_complete_arn(self, "NatsSecret", nats_secret.secret_arn)
                )
            },
        )
        container.add_mount_points(
            ecs.MountPoint(container_path="/tmp", source_volume="tmp", read_only=False)
        )
        grant_secret_read(self.task_definition.obtain_execution_role(), nats_secret, secret_key)
        self.service = ecs.FargateService(
            self,
            "Service",
            service_name=f"{config.prefix}nats-bridge",
            cluster=self.cluster,
            task_definition=self.task_definition,
            desired_count=config.bridge_desired_count,
            assign_public_ip=False,
            vpc_subnets=ec2.SubnetSelection(subnet_type=ec2.SubnetType.PRIVATE_WITH_EGRESS),
            security_groups=list(security_groups),
            circuit_breaker=ecs.DeploymentCircuitBreaker(enable=True, rollback=True),
            min_healthy_percent=100,
            max_healthy_percent=200,
            enable_execute_command=False,
        )
