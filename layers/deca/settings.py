"""Runtime settings of the API and the services, read once from the environment (`DECA_*` variables).

Locally nothing needs to be set: tokens are signed by a key generated under the data directory and
credentials are encrypted with a key file next to it. On AWS the CDK stacks set the issuer, audience,
JWKS URL and KMS key.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Mapping
from importlib import metadata
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from deca.errors import InputError

__all__ = ["LOCAL_ISSUER", "REDIS_URL_VARIABLE", "Settings", "default_data_dir"]

LOCAL_ISSUER = "urn:deca:local"
"""The `iss` of tokens minted by the local issuer."""

_ENV_PREFIX = "DECA_"
REDIS_URL_VARIABLE = "REDIS_URL"
"""The conventional Redis variable, honoured as the cache URL when `DECA_CACHE_URL` is not set."""


def _package_version() -> str:
    try:
        return metadata.version("deca-ai-studio")
    except metadata.PackageNotFoundError:  # running from a source tree that is not installed
        return "0.0.0"


def default_data_dir() -> Path:
    """Where local state lives unless `DECA_DATA_DIR` says otherwise: `~/.deca` (a temp dir without a home)."""
    try:
        return Path.home() / ".deca"
    except RuntimeError:  # no HOME and no passwd entry, as in some containers
        return Path(tempfile.gettempdir()) / "deca"


class Settings(BaseModel):
    """Every knob of the API; `Settings.from_env()` reads `DECA_<FIELD NAME IN CAPITALS>`."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    environment: Literal["local", "aws"] = Field(default="local", description="Where the process runs")
    version: str = Field(default_factory=_package_version, description="Version reported by /health")
    data_dir: Path = Field(default_factory=default_data_dir, description="Local state: keys, SQLite file")
    auth_issuer: str = Field(default=LOCAL_ISSUER, description="Expected `iss` of bearer tokens")
    auth_audience: str = Field(
        default="https://api.deca-ai-studio.com", description="Expected `aud` of bearer tokens"
    )
    auth_jwks_url: str | None = Field(
        default=None, description="JWKS of the issuer (e.g. Auth0's); None: the local issuer's key"
    )
    auth_leeway_seconds: int = Field(
        default=30, ge=0, le=600, description="Clock skew allowed on exp/nbf/iat"
    )
    jwks_cache_seconds: int = Field(default=600, ge=1, description="How long a fetched JWKS is trusted")
    local_workspace_id: str = Field(default="local", description="Workspace of the local owner's tokens")
    local_user_id: str = Field(default="local-owner", description="Subject of the local owner's tokens")
    local_token_ttl_seconds: int = Field(default=30 * 24 * 3600, ge=60, description="Local token lifetime")
    kms_key_id: str | None = Field(
        default=None, description="KMS key wrapping credential data keys; None: the local key file"
    )
    rate_limit_per_minute: int = Field(default=600, ge=1, description="Sustained requests per workspace")
    rate_limit_burst: int = Field(default=120, ge=1, description="Requests a workspace may send at once")
    cors_origins: tuple[str, ...] = Field(
        default=(), description="Browser origins allowed to call the API (comma-separated in the environment)"
    )
    max_body_bytes: int = Field(default=1024 * 1024, ge=1024, description="Largest request body accepted")
    cache_url: str | None = Field(
        default=None,
        description="Shared cache (`redis://`, `rediss://`) of rate limits, agent memory, hot flows and "
        "execution state; `REDIS_URL` when `DECA_CACHE_URL` is unset; None: in-process, nothing cached",
    )
    cache_ttl_seconds: int = Field(
        default=300, ge=1, description="How long the shared cache keeps a flow or execution it read"
    )
    mongodb_uri: str | None = Field(default=None, description="MongoDB connection; None: local SQLite")
    mongodb_secret_arn: str | None = Field(
        default=None, description="Secrets Manager secret holding the MongoDB connection string (on AWS)"
    )
    mongodb_database: str = Field(default="deca", description="MongoDB database name")
    nats_url: str | None = Field(
        default=None,
        description="NATS JetStream server of the message bus (`nats://host:4222`); None: an in-memory bus",
    )
    outbound_allow_list: str = Field(
        default="",
        description="Comma-separated hosts and CIDRs that user-aimed outbound requests may reach although "
        "the SSRF guard blocks them (self-hosted services), e.g. `git.acme.lan,10.20.0.0/16`",
    )

    @property
    def local_key_file(self) -> Path:
        """The local issuer's RSA private key (PEM), created on first use."""
        return self.data_dir / "keys" / "jwt-signing-key.pem"

    @property
    def local_kek_file(self) -> Path:
        """The local key-encryption key wrapping credential data keys, created on first use."""
        return self.data_dir / "keys" / "credentials.kek"

    @property
    def sqlite_path(self) -> Path:
        """The embedded store's file."""
        return self.data_dir / "deca.db"

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        """Settings from `DECA_*` variables (unset ones keep their defaults); `InputError` if invalid."""
        env = os.environ if environ is None else environ
        values: dict[str, object] = {
            name: env[_ENV_PREFIX + name.upper()]
            for name in cls.model_fields
            if _ENV_PREFIX + name.upper() in env
        }
        if "cache_url" not in values and env.get(REDIS_URL_VARIABLE):
            values["cache_url"] = env[REDIS_URL_VARIABLE]
        if "cors_origins" in values:
            values["cors_origins"] = [o.strip() for o in str(values["cors_origins"]).split(",") if o.strip()]
        try:
            return cls.model_validate(values)
        except ValidationError as exc:
            raise InputError(f"invalid DECA_* settings: {exc}") from exc
