"""Settings read from `DECA_*` variables (deca.settings)."""

from __future__ import annotations

from pathlib import Path

import pytest

from deca.errors import InputError
from deca.settings import Settings


def test_defaults_need_no_environment() -> None:
    settings = Settings.from_env({})

    assert (settings.environment, settings.auth_jwks_url, settings.kms_key_id) == ("local", None, None)
    assert settings.max_body_bytes == 1024 * 1024


def test_variables_override_fields() -> None:
    settings = Settings.from_env(
        {
            "DECA_DATA_DIR": "/srv/deca",
            "DECA_AUTH_JWKS_URL": "https://tenant.auth0.com/.well-known/jwks.json",
            "DECA_RATE_LIMIT_PER_MINUTE": "30",
            "DECA_CORS_ORIGINS": "http://localhost:5173, https://studio.example.com",
            "UNRELATED": "ignored",
        }
    )

    assert settings.data_dir == Path("/srv/deca")
    assert settings.sqlite_path == Path("/srv/deca/deca.db")
    assert settings.auth_jwks_url == "https://tenant.auth0.com/.well-known/jwks.json"
    assert settings.rate_limit_per_minute == 30
    assert settings.cors_origins == ("http://localhost:5173", "https://studio.example.com")


def test_invalid_variable_is_an_input_error() -> None:
    with pytest.raises(InputError, match="rate_limit_per_minute"):
        Settings.from_env({"DECA_RATE_LIMIT_PER_MINUTE": "lots"})
