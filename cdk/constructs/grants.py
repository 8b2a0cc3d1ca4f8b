"""Least-privilege grants on the data stack's resources, written on the grantee's own policy.

CDK's `grant_*` helpers edit the key policy or resource policy when the grantee lives in another stack,
which makes the data stack depend on the application stacks (a cycle). These helpers only add
identity-policy statements, which the keys' default policy (trusting the account's IAM) honours.
"""

from __future__ import annotations

from collections.abc import Sequence

import aws_cdk as cdk
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_secretsmanager as secretsmanager

__all__ = ["grant_bucket_prefixes", "grant_key_use", "grant_secret_read"]


def _via(service: str) -> dict[str, dict[str, str]]:
    return {"StringEquals": {"kms:ViaService": f"{service}.{cdk.Aws.REGION}.amazonaws.com"}}


def grant_secret_read(role: iam.IRole, secret: secretsmanager.ISecret, key: kms.IKey) -> None:
    """Read one secret's value (and decrypt it through Secrets Manager only)."""
    role.add_to_principal_policy(
        iam.PolicyStatement(
            actions=["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"],
            resources=[secret.secret_arn],
        )
    )
    role.add_to_principal_policy(
        iam.PolicyStatement(
            actions=["kms:Decrypt"], resources=[key.key_arn], conditions=_via("secretsmanager")
        )
    )


def grant_bucket_prefixes(
    role: iam.IRole, bucket: s3.IBucket, key: kms.IKey, prefixes: Sequence[str]
) -> None:
    """Read, write and delete objects under `prefixes` (like `payloads/`), list only those prefixes."""
    role.add_to_principal_policy(
        iam.PolicyStatement(
            actions=[
                "s3:GetObject",
                "s3:GetObjectVersion",
                "s3:PutObject",
                "s3:DeleteObject",
                "s3:AbortMultipartUpload",
            ],
            resources=[bucket.arn_for_objects(f"{prefix}*") for prefix in prefixes],
        )
    )
    role.add_to_principal_policy(
        iam.PolicyStatement(
            actions=["s3:ListBucket"],
            resources=[bucket.bucket_arn],
            conditions={"StringLike": {"s3:prefix": [f"{prefix}*" for prefix in prefixes]}},
        )
    )
    role.add_to_principal_policy(
        iam.PolicyStatement(
            actions=["kms:Decrypt", "kms:GenerateDataKey"], resources=[key.key_arn], conditions=_via("s3")
        )
    )


def grant_key_use(role: iam.IRole, key: kms.IKey, actions: Sequence[str]) -> None:
    """Use a key directly (envelope encryption of credentials): exactly `actions` on exactly this key."""
    role.add_to_principal_policy(iam.PolicyStatement(actions=list(actions), resources=[key.key_arn]))
