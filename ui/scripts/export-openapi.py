"""Print the API's OpenAPI document (sorted JSON) built with memory stores in a throwaway data directory.

Run from the repository root with the project venv: `python ui/scripts/export-openapi.py > ui/openapi.json`.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
from pathlib import Path


def main() -> None:
    """Build the app without touching the developer's data and print its OpenAPI document."""
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
    with tempfile.TemporaryDirectory() as data_dir:
        os.environ["DECA_DATA_DIR"] = data_dir
        from api.app import create_app
        from deca.settings import Settings
        from deca.stores import memory_stores

        app = create_app(Settings.from_env(), memory_stores())
        print(json.dumps(app.openapi(), sort_keys=True, indent=2))


if __name__ == "__main__":
    main()
