"""Entry point of the sandbox child: `python -I -S <path to this file>` (one run), or a zygote with
`--zygote <control fd> <language> <engine path>` (forks one child per run, see zygote.py).

Registers bare `deca` and `deca.sandbox` packages pointing at their folders, so the child package
imports without running `deca/__init__.py` and `deca/sandbox/__init__.py` (which pull in pydantic).
"""

import os
import sys
import types


def _bootstrap() -> None:
    child_dir = os.path.dirname(os.path.abspath(__file__))
    sandbox_dir = os.path.dirname(child_dir)
    for name, path in (("deca", os.path.dirname(sandbox_dir)), ("deca.sandbox", sandbox_dir)):
        if name not in sys.modules:
            package = types.ModuleType(name)
            package.__path__ = [path]
            sys.modules[name] = package


if __name__ == "__main__":
    _bootstrap()
    if sys.argv[1:2] == ["--zygote"]:
        from deca.sandbox.child.zygote import serve

        sys.exit(serve(int(sys.argv[2]), sys.argv[3], sys.argv[4]))
    from deca.sandbox.child.main import main

    sys.exit(main())
