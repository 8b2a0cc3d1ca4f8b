"""The data stack: encryption, versioning, lifecycle, retention by environment, Redis, network isolation."""

from __future__ import annotations

import json

from aws_cdk.assertions import Match

from tests.cdk.conftest import Synthesis


def test_bucket_is_kms_encrypted_versioned_and_private(dev: Synthesis) -> None:
    dev.template("data").has_resource_properties(
        "AWS::S3::Bucket",
        {
            "BucketEncryption": {
                "ServerSideEncryptionConfiguration": [
                    {
                        "BucketKeyEnabled": True,
                        "ServerSideEncryptionByDefault": {
                            "SSEAlgorithm": "aws:kms",
                            "KMSMasterKeyID": Match.any_value(),
                        },
                    }
                ]
            },
            "VersioningConfiguration": {"Status": "Enabled"},
            "PublicAccessBlockConfiguration": {
                "BlockPublicAcls": True,
                "BlockPublicPolicy": True,
                "IgnorePublicAcls": True,
                "RestrictPublicBuckets": True,
            },
        },
    )


def test_bucket_lifecycle_expires_payloads_exports_and_old_versions(dev: Synthesis) -> None:
    (bucket,) = dev.resources("data", "AWS::S3::Bucket").values()
    rules = {rule["Id"]: rule for rule in bucket["Properties"]["LifecycleConfiguration"]["Rules"]}

    assert rules["payloads"]["Prefix"] == "payloads/" and rules["payloads"]["ExpirationInDays"] == 30
    assert rules["exports"]["Prefix"] == "exports/"
    assert rules["old-versions"]["NoncurrentVersionExpiration"]["NoncurrentDays"] == 30
    assert rules["old-versions"]["AbortIncompleteMultipartUpload"]["DaysAfterInitiation"] == 7


def test_bucket_denies_insecure_transport(dev: Synthesis) -> None:
    dev.template("data").has_resource_properties(
        "AWS::S3::BucketPolicy",
        {
            "PolicyDocument": {
                "Statement": Match.array_with(
                    [
                        Match.object_like(
                            {"Effect": "Deny", "Condition": {"Bool": {"aws:SecureTransport": "false"}}}
                        )
                    ]
                )
            }
        },
    )


def test_keys_rotate(synthesis: Synthesis) -> None:
    keys = synthesis.resources("data", "AWS::KMS::Key")

    assert len(keys) == 2
    assert all(key["Properties"]["EnableKeyRotation"] is True for key in keys.values())


def test_atlas_secret_is_named_per_environment_and_encrypted(synthesis: Synthesis) -> None:
    synthesis.template("data").has_resource_properties(
        "AWS::SecretsManager::Secret",
        {"Name": f"deca/{synthesis.env}/mongodb-atlas", "KmsKeyId": Match.any_value()},
    )


def test_prod_retains_every_data_resource(prod: Synthesis) -> None:
    template = prod.templates["data"]["Resources"]
    stateful = (
        "AWS::S3::Bucket",
        "AWS::KMS::Key",
        "AWS::SecretsManager::Secret",
        "AWS::ElastiCache::ReplicationGroup",
    )

    for resource in (r for r in template.values() if r["Type"] in stateful):
        assert resource["DeletionPolicy"] == "Retain", resource["Type"]


def test_dev_deletes_its_data_resources(dev: Synthesis) -> None:
    template = dev.templates["data"]["Resources"]

    for resource in (
        r for r in template.values() if r["Type"] in ("AWS::S3::Bucket", "AWS::SecretsManager::Secret")
    ):
        assert resource["DeletionPolicy"] == "Delete"


def test_dev_uses_serverless_redis_encrypted_with_the_data_key(dev: Synthesis) -> None:
    dev.template("data").has_resource_properties(
        "AWS::ElastiCache::ServerlessCache",
        {"Engine": "redis", "ServerlessCacheName": "deca-dev-cache", "KmsKeyId": Match.any_value()},
    )


def test_prod_uses_a_multi_az_encrypted_replication_group(prod: Synthesis) -> None:
    prod.template("data").has_resource_properties(
        "AWS::ElastiCache::ReplicationGroup",
        {
            "AtRestEncryptionEnabled": True,
            "TransitEncryptionEnabled": True,
            "MultiAZEnabled": True,
            "AutomaticFailoverEnabled": True,
        },
    )


def test_redis_accepts_only_the_lambdas_and_the_bridge(dev: Synthesis) -> None:
    ingress = dev.resources("data", "AWS::EC2::SecurityGroupIngress").values()

    assert len(ingress) == 2
    assert {rule["Properties"]["FromPort"] for rule in ingress} == {6379}


def test_sandbox_security_group_has_no_outbound_rule(dev: Synthesis) -> None:
    groups = dev.resources("data", "AWS::EC2::SecurityGroup")
    (sandbox,) = (g for g in groups.values() if g["Properties"]["GroupDescription"].startswith("Code runner"))

    # CDK's placeholder for "no egress": one ICMP rule to 255.255.255.255/32, which matches nothing.
    assert sandbox["Properties"]["SecurityGroupEgress"] == [
        {
            "CidrIp": "255.255.255.255/32",
            "Description": "Disallow all traffic",
            "FromPort": 252,
            "IpProtocol": "icmp",
            "ToPort": 86,
        }
    ]


def test_vpc_has_isolated_sandbox_subnets_without_a_route_out(dev: Synthesis) -> None:
    routes = dev.resources("data", "AWS::EC2::Route")
    route_tables = {r["Properties"]["RouteTableId"]["Ref"] for r in routes.values()}

    sandbox_tables = [k for k in dev.resources("data", "AWS::EC2::RouteTable") if "sandbox" in k]
    assert sandbox_tables
    assert not route_tables.intersection(sandbox_tables)


def test_vpc_flow_logs_go_to_cloudwatch(dev: Synthesis) -> None:
    dev.template("data").has_resource_properties(
        "AWS::EC2::FlowLog", {"LogDestinationType": "cloud-watch-logs"}
    )


def test_bucket_name_is_a_stack_output(dev: Synthesis) -> None:
    assert "BucketName" in dev.templates["root"]["Outputs"]


def test_one_stack_per_environment_protected_from_deletion_in_prod(synthesis: Synthesis) -> None:
    manifest = json.loads((synthesis.outdir / "manifest.json").read_text())
    stacks = {k: v for k, v in manifest["artifacts"].items() if v["type"] == "aws:cloudformation:stack"}

    assert list(stacks) == [f"deca-{synthesis.env}"]
    protected = stacks[f"deca-{synthesis.env}"]["properties"].get("terminationProtection", False)
    assert protected is (synthesis.env == "prod")


def test_the_human_task_link_key_is_a_random_encrypted_secret(synthesis: Synthesis) -> None:
    synthesis.template("data").has_resource_properties(
        "AWS::SecretsManager::Secret",
        {
            "Name": f"deca/{synthesis.env}/hitl-link-key",
            "KmsKeyId": Match.any_value(),
            "GenerateSecretString": Match.any_value(),
        },
    )
