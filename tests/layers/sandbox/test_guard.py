"""The Python language guard on its own: what it rejects statically and what it lets through."""

from __future__ import annotations

import textwrap

import pytest

from deca.sandbox.child.guard import GuardViolation, check_source, forbidden_attribute

REJECTED = {
    "import_os": "import os",
    "import_subprocess": "import subprocess",
    "from_socket": "from socket import socket",
    "submodule_of_allowed": "import json.decoder",
    "relative_import": "from . import x",
    "future_import": "from __future__ import annotations",
    "private_name_from_allowed": "from random import _os",
    "dunder_import_name": "__import__('os')",
    "builtins_name": "__builtins__",
    "eval": "eval('1')",
    "exec": "exec('x = 1')",
    "compile": "compile('1', 'f', 'eval')",
    "open": "open('/proc/self/environ')",
    "globals": "globals()",
    "vars": "vars()",
    "setattr": "setattr(x, 'y', 1)",
    "subclasses_walk": "().__class__.__base__.__subclasses__()",
    "function_globals": "f.__globals__",
    "traceback_frame": "e.__traceback__",
    "frame_attribute": "tb.tb_frame",
    "frame_globals": "frame.f_globals",
    "generator_frame": "g.gi_frame",
    "coroutine_frame": "c.cr_frame",
    "format_on_variable": "fmt.format(x)",
    "format_map_on_variable": "fmt.format_map(x)",
    "str_format_unbound": "str.format('{0.__class__}', x)",
    "format_attribute_walk": "'{0.__class__.__mro__}'.format(x)",
    "format_nested_spec_walk": "'{0:{1.__class__}}'.format(x, y)",
    "fstring_dunder": "f'{x.__class__}'",
    "match_class_dunder": "match x:\n    case object(__class__=c):\n        pass",
    "match_class_positional": "match x:\n    case X(g):\n        pass",
    "string_annotation": "def f(x: 'os.system'):\n    pass",
    "string_return_annotation": "def f() -> '().__class__':\n    pass",
    "global_dunder": "def f():\n    global __builtins__",
}

ACCEPTED = {
    "allowed_imports": "import json, re, math, datetime, statistics, collections\nfrom collections import Counter",
    "class_with_init": "class A(B):\n    def __init__(self):\n        super().__init__()\n        self._x = 1",
    "dunder_name_check": "if __name__ == '__main__':\n    pass",
    "literal_format": "'{:.2f} {0[key]} {name!r:>10}'.format(1.5, name=2)",
    "fstring": "f'{x:.2f} {y!r}'",
    "namedtuple_private_api": "from collections import namedtuple\nP = namedtuple('P', 'a b')\nP(1, 2)._asdict()",
    "type_annotations": "def f(x: int, y: list[str]) -> dict[str, int]:\n    z: float = 1.0",
    "class_name": "type(x).__name__",
}


@pytest.mark.parametrize("source", REJECTED.values(), ids=REJECTED.keys())
def test_guard_rejects(source: str) -> None:
    with pytest.raises(GuardViolation) as caught:
        check_source(textwrap.dedent(source))
    assert caught.value.line is not None


@pytest.mark.parametrize("source", ACCEPTED.values(), ids=ACCEPTED.keys())
def test_guard_accepts(source: str) -> None:
    check_source(textwrap.dedent(source))


def test_violation_names_the_line() -> None:
    with pytest.raises(GuardViolation) as caught:
        check_source("x = 1\ny = 2\nimport os\n")
    assert caught.value.line == 3
    assert "os" in caught.value.message


@pytest.mark.parametrize(
    ("name", "forbidden"),
    [("__class__", True), ("__globals__", True), ("gi_frame", True), ("f_back", True), ("format", True),
     ("__init__", False), ("__name__", False), ("_asdict", False), ("items", False)],
)  # fmt: skip
def test_forbidden_attribute_rule(name: str, forbidden: bool) -> None:
    assert forbidden_attribute(name) is forbidden
