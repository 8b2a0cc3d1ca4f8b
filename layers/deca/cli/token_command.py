"""`deca token`: print a bearer token for the local studio, signed with the data directory's key."""

from __future__ import annotations

import argparse
from pathlib import Path

__all__ = ["token"]


def token(args: argparse.Namespace) -> int:
    """Print a token for the local owner (or the given user, workspace and role)."""
    from deca.auth import mint_local_token
    from deca.settings import Settings

    settings = Settings.from_env()
    if args.data_dir:
        settings = settings.model_copy(update={"data_dir": Path(args.data_dir).expanduser()})
    print(
        mint_local_token(
            settings,
            user_id=args.user,
            workspace_id=args.workspace,
            roles=(args.role,),
            ttl_seconds=args.ttl,
        )
    )
    return 0
