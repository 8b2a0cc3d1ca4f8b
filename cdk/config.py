"""Per-environment configuration of the CDK app: `dev`, `staging`, `prod`, and defaults for any other name.

An environment is picked with `-c env=<name>`; single fields can be overridden from the context with
`-c <field>=<value>` (for example `-c hosted_zone_id=Z123 -c alarm_email=ops@example.com`), so a
deploy never needs a code change for an account-specific value.
"""

from __future__ import annotations

import dataclasses
import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

__all__ = [
    "CONTEXT_FIELDS",
    "NAMED_ENVIRONMENTS",
    "AlarmThresholds",
    "EnvironmentConfig",
    "config_from_context",
    "environment_config",
]

_NAME = re.compile(r"^[a-z][a-z0-9-]{0,19}$")


@dataclass(frozen=True)
class AlarmThresholds:
    """When the CloudWatch alarms of an environment fire (counts per 5-minute period)."""

    lambda_errors: int = 5
    lambda_throttles: int = 1
    failed_executions: int = 3
    dlq_depth: int = 1
    api_5xx: int = 5
    api_p99_latency_ms: int = 10_000


@dataclass(frozen=True)
class EnvironmentConfig:
    """Everything that differs between environments; one instance per deploy."""

    name: str
    account: str | None = None
    region: str | None = None
    # Lambda
    node_memory_mb: int = 512
    agent_memory_mb: int = 1024
    service_memory_mb: int = 512
    api_memory_mb: int = 1024
    code_runner_memory_mb: int = 1024
    node_timeout_seconds: int = 300
    log_level: str = "INFO"
    log_retention_days: int = 14
    async_retry_attempts: int = 2
    code_runner_reserved_concurrency: int | None = None
    task_runner_reserved_concurrency: int | None = None
    # API Gateway
    api_throttle_rate: int = 50
    api_throttle_burst: int = 100
    cors_origins: tuple[str, ...] = ("http://localhost:5173",)
    domain_name: str | None = None
    hosted_zone_id: str | None = None
    hosted_zone_name: str | None = None
    # Auth0 and data services
    auth_issuer: str = "https://deca-dev.us.auth0.com/"
    auth_audience: str = "https://api.deca-ai-studio.com"
    atlas_secret_name: str = ""
    nats_secret_name: str = ""
    nats_url: str | None = None
    """A NATS URL without credentials for the Lambdas (`DECA_NATS_URL`); the bridge reads the secret."""
    # Network and cache
    vpc_cidr: str = "10.40.0.0/16"
    max_azs: int = 2
    nat_gateways: int = 1
    redis_mode: Literal["serverless", "replication_group"] = "serverless"
    redis_node_type: str = "cache.t4g.small"
    redis_replicas: int = 1
    # NATS bridge on Fargate
    bridge_cpu: int = 256
    bridge_memory_mb: int = 512
    bridge_desired_count: int = 1
    # Storage and operations
    retain_data: bool = False
    payload_expiry_days: int = 30
    export_expiry_days: int = 90
    noncurrent_version_expiry_days: int = 30
    alarm_email: str | None = None
    # Approval/form notifications by email (an SES-verified address or domain identity); None: logged only
    notification_sender: str | None = None
    alarms: AlarmThresholds = field(default_factory=AlarmThresholds)

    def __post_init__(self) -> None:
        if not _NAME.match(self.name):
            raise ValueError(
                f"environment name {self.name!r}: use 1-20 lowercase letters, digits or '-', starting with a letter"
            )

    @property
    def prefix(self) -> str:
        """The prefix of every physical name of this environment: `deca-<env>-`."""
        return f"deca-{self.name}-"

    @property
    def custom_domain(self) -> str | None:
        """The API's custom domain, when its Route 53 zone is configured (DNS-validated certificate, alias)."""
        return self.domain_name if self.hosted_zone_id and self.hosted_zone_name else None

    @property
    def function_prefix(self) -> str:
        """The compiler's `CompileOptions.function_prefix` for this environment."""
        return f"{self.prefix}node-"

    @property
    def flow_prefix(self) -> str:
        """Name prefix of the state machines the API creates for published flows."""
        return f"{self.prefix}flow-"

    @property
    def resolved_atlas_secret_name(self) -> str:
        """Secrets Manager name of the MongoDB Atlas connection string."""
        return self.atlas_secret_name or f"deca/{self.name}/mongodb-atlas"

    @property
    def resolved_nats_secret_name(self) -> str:
        """Secrets Manager name of the NATS connection (URL and credentials)."""
        return self.nats_secret_name or f"deca/{self.name}/nats"


def _dev() -> EnvironmentConfig:
    return EnvironmentConfig(name="dev", log_level="DEBUG", log_retention_days=7, nat_gateways=1)


def _staging() -> EnvironmentConfig:
    return EnvironmentConfig(
        name="staging",
        log_retention_days=30,
        vpc_cidr="10.41.0.0/16",
        code_runner_reserved_concurrency=20,
        task_runner_reserved_concurrency=20,
        api_throttle_rate=100,
        api_throttle_burst=200,
        cors_origins=("https://staging.deca-ai-studio.com",),
        domain_name="api.staging.deca-ai-studio.com",
        auth_issuer="https://deca-staging.us.auth0.com/",
        auth_audience="https://api.staging.deca-ai-studio.com",
    )


def _prod() -> EnvironmentConfig:
    return EnvironmentConfig(
        name="prod",
        node_memory_mb=1024,
        agent_memory_mb=2048,
        service_memory_mb=1024,
        api_memory_mb=2048,
        code_runner_memory_mb=2048,
        log_retention_days=365,
        vpc_cidr="10.42.0.0/16",
        max_azs=3,
        nat_gateways=3,
        code_runner_reserved_concurrency=100,
        task_runner_reserved_concurrency=100,
        api_throttle_rate=500,
        api_throttle_burst=1000,
        cors_origins=("https://app.deca-ai-studio.com",),
        domain_name="api.deca-ai-studio.com",
        auth_issuer="https://deca.us.auth0.com/",
        auth_audience="https://api.deca-ai-studio.com",
        redis_mode="replication_group",
        redis_node_type="cache.r7g.large",
        redis_replicas=2,
        bridge_cpu=512,
        bridge_memory_mb=1024,
        bridge_desired_count=2,
        retain_data=True,
        payload_expiry_days=90,
        export_expiry_days=365,
        noncurrent_version_expiry_days=90,
        alarms=AlarmThresholds(lambda_errors=1, failed_executions=1, api_5xx=1, api_p99_latency_ms=5_000),
    )


NAMED_ENVIRONMENTS: dict[str, Callable[[], EnvironmentConfig]] = {
    "dev": _dev,
    "staging": _staging,
    "prod": _prod,
}
"""The environments with their own settings; any other name gets the `EnvironmentConfig` defaults."""

CONTEXT_FIELDS = tuple(
    f.name for f in dataclasses.fields(EnvironmentConfig) if f.name not in ("name", "alarms")
)
"""Fields that `-c <field>=<value>` may override."""


def environment_config(name: str, overrides: Mapping[str, Any] | None = None) -> EnvironmentConfig:
    """The configuration of environment `name` with context overrides applied (values may be strings)."""
    base = NAMED_ENVIRONMENTS[name]() if name in NAMED_ENVIRONMENTS else EnvironmentConfig(name=name)
    changes = {
        key: _coerce(base, key, value) for key, value in (overrides or {}).items() if key in CONTEXT_FIELDS
    }
    return dataclasses.replace(base, **changes)


def config_from_context(get: Callable[[str], Any]) -> EnvironmentConfig:
    """The configuration chosen by the CDK context (`get` is `node.try_get_context`)."""
    name = get("env") or "dev"
    overrides = {key: get(key) for key in CONTEXT_FIELDS if get(key) is not None}
    return environment_config(str(name), overrides)


def _coerce(base: EnvironmentConfig, key: str, value: Any) -> Any:
    """A context value (`-c` gives strings) converted to the type of the field's current value."""
    current = getattr(base, key)
    if not isinstance(value, str):
        return tuple(value) if isinstance(current, tuple) else value
    if isinstance(current, bool):
        return value.strip().lower() in ("1", "true", "yes", "on")
    if isinstance(current, int) or key.endswith(("_concurrency",)):
        return int(value)
    if isinstance(current, tuple):
        parsed = json.loads(value) if value.startswith("[") else value.split(",")
        return tuple(str(item).strip() for item in parsed if str(item).strip())
    return value
