"""Per-environment configuration: named environments, defaults for any name, context overrides."""

from __future__ import annotations

import pytest

from cdk.config import EnvironmentConfig, config_from_context, environment_config


def test_prod_retains_data_and_dev_does_not() -> None:
    assert environment_config("prod").retain_data is True
    assert environment_config("dev").retain_data is False


def test_named_environments_have_their_own_network() -> None:
    cidrs = {name: environment_config(name).vpc_cidr for name in ("dev", "staging", "prod")}

    assert len(set(cidrs.values())) == 3


def test_unknown_name_gets_the_defaults_under_its_own_prefix() -> None:
    config = environment_config("feature-x")

    assert config == EnvironmentConfig(name="feature-x")
    assert config.function_prefix == "deca-feature-x-node-"
    assert config.flow_prefix == "deca-feature-x-flow-"
    assert config.resolved_atlas_secret_name == "deca/feature-x/mongodb-atlas"


@pytest.mark.parametrize(
    "name", ["Prod", "1dev", "dev_x", "a" * 21, ""], ids=["upper", "digit", "underscore", "long", "empty"]
)
def test_invalid_environment_name_is_rejected(name: str) -> None:
    with pytest.raises(ValueError, match="environment name"):
        environment_config(name)


def test_context_strings_are_converted_to_the_field_types() -> None:
    config = environment_config(
        "dev",
        {
            "node_memory_mb": "2048",
            "retain_data": "true",
            "cors_origins": "https://a.example,https://b.example",
        },
    )

    assert config.node_memory_mb == 2048
    assert config.retain_data is True
    assert config.cors_origins == ("https://a.example", "https://b.example")


def test_optional_integer_override_from_context() -> None:
    assert (
        environment_config("dev", {"code_runner_reserved_concurrency": "7"}).code_runner_reserved_concurrency
        == 7
    )


def test_context_picks_the_environment_and_its_overrides() -> None:
    context = {"env": "staging", "log_retention_days": "90", "unrelated": "x"}

    config = config_from_context(context.get)

    assert (config.name, config.log_retention_days) == ("staging", 90)


def test_custom_domain_needs_its_hosted_zone() -> None:
    assert environment_config("prod").custom_domain is None
    zoned = environment_config("prod", {"hosted_zone_id": "Z1", "hosted_zone_name": "deca-ai-studio.com"})
    assert zoned.custom_domain == "api.deca-ai-studio.com"
