"""The stateful nested stack of an environment: network, keys, bucket, secrets, Redis and the alarm topic.

Kept apart from the functions' nested stacks so that a release (new code, new layer) never changes
this template; in environments with `retain_data` (prod) everything holding data is retained on delete.
"""

from __future__ import annotations

import aws_cdk as cdk
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_elasticache as elasticache
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_logs as logs
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_secretsmanager as secretsmanager
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sns_subscriptions as subscriptions
from constructs import Construct

from cdk.config import EnvironmentConfig
from cdk.constructs.retention import retention_days

__all__ = ["REDIS_PORT", "DataStack"]

REDIS_PORT = 6379


class DataStack(cdk.NestedStack):
    """VPC and security groups, KMS keys, the data bucket, Secrets Manager secrets, ElastiCache, alarm topic."""

    def __init__(self, scope: Construct, construct_id: str, *, config: EnvironmentConfig) -> None:
        super().__init__(
            scope,
            construct_id,
            description=f"DECA AI Studio {config.name}: network, keys, bucket, secrets, cache",
        )
        self.config = config
        self.removal = cdk.RemovalPolicy.RETAIN if config.retain_data else cdk.RemovalPolicy.DESTROY
        self._network()
        self._keys()
        self._bucket()
        self._secrets()
        self._redis()
        self._alarm_topic()

    def _network(self) -> None:
        config = self.config
        self.vpc = ec2.Vpc(
            self,
            "Vpc",
            vpc_name=f"{config.prefix}vpc",
            ip_addresses=ec2.IpAddresses.cidr(config.vpc_cidr),
            max_azs=config.max_azs,
            nat_gateways=config.nat_gateways,
            subnet_configuration=[
                ec2.SubnetConfiguration(name="public", subnet_type=ec2.SubnetType.PUBLIC, cidr_mask=24),
                ec2.SubnetConfiguration(
                    name="app", subnet_type=ec2.SubnetType.PRIVATE_WITH_EGRESS, cidr_mask=20
                ),
                # Sandboxed code runs here: no NAT, no internet gateway, no endpoints.
                ec2.SubnetConfiguration(
                    name="sandbox", subnet_type=ec2.SubnetType.PRIVATE_ISOLATED, cidr_mask=24
                ),
            ],
            gateway_endpoints={
                "S3": ec2.GatewayVpcEndpointOptions(
                    service=ec2.GatewayVpcEndpointAwsService.S3,
                    subnets=[ec2.SubnetSelection(subnet_type=ec2.SubnetType.PRIVATE_WITH_EGRESS)],
                )
            },
        )
        flow_logs = logs.LogGroup(
            self,
            "VpcFlowLogs",
            retention=retention_days(config.log_retention_days),
            removal_policy=self.removal,
        )
        self.vpc.add_flow_log("FlowLog", destination=ec2.FlowLogDestination.to_cloud_watch_logs(flow_logs))
        self.lambda_security_group = ec2.SecurityGroup(
            self,
            "LambdaSecurityGroup",
            vpc=self.vpc,
            description="DECA Lambdas: outbound to Redis, Atlas, AWS APIs",
        )
        self.bridge_security_group = ec2.SecurityGroup(
            self,
            "BridgeSecurityGroup",
            vpc=self.vpc,
            description="NATS bridge tasks: outbound to NATS, Redis, AWS",
        )
        self.sandbox_security_group = ec2.SecurityGroup(
            self,
            "SandboxSecurityGroup",
            vpc=self.vpc,
            description="Code runner: no inbound, no outbound",
            allow_all_outbound=False,
        )
        self.redis_security_group = ec2.SecurityGroup(
            self,
            "RedisSecurityGroup",
            vpc=self.vpc,
            description="ElastiCache: Redis from the Lambdas and the bridge only",
            allow_all_outbound=False,
        )
        for source, name in ((self.lambda_security_group, "Lambdas"), (self.bridge_security_group, "bridge")):
            self.redis_security_group.add_ingress_rule(
                source, ec2.Port.tcp(REDIS_PORT), f"Redis from the {name}"
            )

    def _keys(self) -> None:
        prefix = self.config.prefix
        self.credentials_key = kms.Key(
            self,
            "CredentialsKey",
            alias=f"alias/{prefix}credentials",
            description="Wraps the data keys of workspace credentials (envelope encryption)",
            enable_key_rotation=True,
            removal_policy=self.removal,
            pending_window=cdk.Duration.days(30 if self.config.retain_data else 7),
        )
        self.data_key = kms.Key(
            self,
            "DataKey",
            alias=f"alias/{prefix}data",
            description="Encrypts the data bucket, secrets, the cache and the alarm topic",
            enable_key_rotation=True,
            removal_policy=self.removal,
            pending_window=cdk.Duration.days(30 if self.config.retain_data else 7),
        )
        # CloudWatch alarms publish to the encrypted alarm topic.
        self.data_key.add_to_resource_policy(
            iam.PolicyStatement(
                principals=[iam.ServicePrincipal("cloudwatch.amazonaws.com")],
                actions=["kms:Decrypt", "kms:GenerateDataKey*"],
                resources=["*"],  # in a key policy "*" is the key itself
            )
        )

    def _bucket(self) -> None:
        config = self.config
        self.bucket = s3.Bucket(
            self,
            "DataBucket",
            encryption=s3.BucketEncryption.KMS,
            encryption_key=self.data_key,
            bucket_key_enabled=True,
            versioned=True,
            enforce_ssl=True,
            block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
            object_ownership=s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
            removal_policy=self.removal,
            lifecycle_rules=[
                s3.LifecycleRule(
                    id="payloads",
                    prefix="payloads/",
                    expiration=cdk.Duration.days(config.payload_expiry_days),
                ),
                *(
                    s3.LifecycleRule(
                        id=name, prefix=f"{name}/", expiration=cdk.Duration.days(config.export_expiry_days)
                    )
                    for name in ("exports", "reports")
                ),
                s3.LifecycleRule(
                    id="knowledge-tiering",
                    prefix="knowledge/",
                    transitions=[
                        s3.Transition(
                            storage_class=s3.StorageClass.INTELLIGENT_TIERING,
                            transition_after=cdk.Duration.days(30),
                        )
                    ],
                ),
                s3.LifecycleRule(
                    id="old-versions",
                    noncurrent_version_expiration=cdk.Duration.days(config.noncurrent_version_expiry_days),
                    abort_incomplete_multipart_upload_after=cdk.Duration.days(7),
                ),
            ],
        )

    def _secrets(self) -> None:
        # Created with a random placeholder; the operator stores the real value (see docs/deploy.md).
        self.atlas_secret = secretsmanager.Secret(
            self,
            "AtlasSecret",
            secret_name=self.config.resolved_atlas_secret_name,
            description="MongoDB Atlas connection string (mongodb+srv://...) of the DECA stores",
            encryption_key=self.data_key,
            removal_policy=self.removal,
        )
        self.nats_secret = secretsmanager.Secret(
            self,
            "NatsSecret",
            secret_name=self.config.resolved_nats_secret_name,
            description="NATS server URL (nats://user:password@host:4222) of the message bus",
            encryption_key=self.data_key,
            removal_policy=self.removal,
        )
        # Its random value is the key: every function signs and verifies human task links with the same one.
        self.hitl_link_secret = secretsmanager.Secret(
            self,
            "HitlLinkKeySecret",
            secret_name=f"deca/{self.config.name}/hitl-link-key",
            description="Signing key of human task links (random; store a new value to rotate it)",
            encryption_key=self.data_key,
            removal_policy=self.removal,
        )

    def _redis(self) -> None:
        config = self.config
        subnets = self.vpc.select_subnets(subnet_type=ec2.SubnetType.PRIVATE_WITH_EGRESS).subnet_ids
        group_id = self.redis_security_group.security_group_id
        if config.redis_mode == "serverless":
            cache = elasticache.CfnServerlessCache(
                self,
                "Redis",
                serverless_cache_name=f"{config.prefix}cache",
                engine="redis",
                major_engine_version="7",
                kms_key_id=self.data_key.key_arn,
                security_group_ids=[group_id],
                subnet_ids=subnets,
                snapshot_retention_limit=7 if config.retain_data else None,
            )
            cache.apply_removal_policy(self.removal)
            host, port = cache.attr_endpoint_address, cache.attr_endpoint_port
        else:
            subnet_group = elasticache.CfnSubnetGroup(
                self, "RedisSubnets", description=f"{config.prefix}cache subnets", subnet_ids=subnets
            )
            group = elasticache.CfnReplicationGroup(
                self,
                "Redis",
                replication_group_description=f"{config.prefix}cache",
                engine="redis",
                engine_version="7.1",
                cache_node_type=config.redis_node_type,
                num_node_groups=1,
                replicas_per_node_group=config.redis_replicas,
                automatic_failover_enabled=config.redis_replicas > 0,
                multi_az_enabled=config.redis_replicas > 0,
                at_rest_encryption_enabled=True,
                transit_encryption_enabled=True,
                kms_key_id=self.data_key.key_arn,
                cache_subnet_group_name=subnet_group.ref,
                security_group_ids=[group_id],
                snapshot_retention_limit=7 if config.retain_data else 0,
                port=REDIS_PORT,
            )
            group.apply_removal_policy(self.removal)
            host, port = group.attr_primary_end_point_address, group.attr_primary_end_point_port
        self.redis_url = f"rediss://{host}:{port}"

    def _alarm_topic(self) -> None:
        self.alarm_topic = sns.Topic(
            self,
            "AlarmTopic",
            topic_name=f"{self.config.prefix}alarms",
            master_key=self.data_key,
            enforce_ssl=True,
        )
        if self.config.alarm_email:
            self.alarm_topic.add_subscription(subscriptions.EmailSubscription(self.config.alarm_email))
