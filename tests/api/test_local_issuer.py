"""The local issuer: key file created once, tokens the API accepts (deca.auth.local)."""

from __future__ import annotations

import stat
from pathlib import Path

from deca.auth import LocalIssuer, StaticJwks, TokenVerifier, load_or_create_private_key, mint_local_token
from deca.settings import Settings
from tests.fakes.clock import FakeClock


def test_key_file_is_created_private_and_reused(tmp_path: Path) -> None:
    # Given no key file
    path = tmp_path / "keys" / "signing.pem"

    # When the key is loaded twice
    first = load_or_create_private_key(path)
    second = load_or_create_private_key(path)

    # Then it was generated once, readable by its owner only
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert first.private_numbers() == second.private_numbers()


def test_mint_local_token_gives_an_owner_token_of_the_local_workspace(tmp_path: Path) -> None:
    # Given local settings
    settings = Settings(data_dir=tmp_path)
    clock = FakeClock()

    # When the local owner's token is minted
    token = mint_local_token(settings, clock=clock)

    # Then the local issuer's JWKS verifies it
    jwks = StaticJwks(LocalIssuer.from_settings(settings).jwks())
    verifier = TokenVerifier(jwks, issuer=settings.auth_issuer, audience=settings.auth_audience, clock=clock)
    verified = verifier.verify(token)
    assert (verified.subject, verified.workspace_id, verified.roles) == ("local-owner", "local", ("owner",))


def test_kid_is_stable_for_a_key(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path)

    assert LocalIssuer.from_settings(settings).kid == LocalIssuer.from_settings(settings).kid
