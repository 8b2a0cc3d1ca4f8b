"""The language-level guard for Python: a static check of the source before anything of it runs.

It rejects what would let code leave the restricted namespace: imports outside the allow-list,
dunder attributes (the `__class__.__subclasses__()` and `__globals__` walks), frame, generator,
coroutine, code and traceback internals, `eval`/`exec`/`compile`/`open` and friends, format strings
that walk attributes, string annotations (evaluated later by library code) and `match` class
patterns that read such attributes. The same attribute rule backs the runtime `getattr`.
This guard is the first layer only; the process limits and the OS layers are the boundary.
"""

from __future__ import annotations

import ast
import string

# The child starts per run: no typing import at run time (mypy still sees these).
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Final, NoReturn

__all__ = [
    "ALLOWED_MODULES",
    "FORBIDDEN_NAMES",
    "GuardViolation",
    "check_source",
    "forbidden_attribute",
]

# Standard modules user code may import; each is handed over as a filtered copy (see pyexec).
ALLOWED_MODULES: Final = frozenset(
    {
        "base64", "bisect", "calendar", "cmath", "collections", "collections.abc", "datetime", "decimal",
        "fractions", "functools", "hashlib", "heapq", "hmac", "itertools", "json", "math", "operator",
        "random", "re", "statistics", "string", "textwrap", "time", "unicodedata", "uuid",
    }
)  # fmt: skip

FORBIDDEN_NAMES: Final = frozenset(
    {
        "eval", "exec", "compile", "open", "breakpoint", "help", "globals", "locals", "vars",
        "setattr", "delattr", "memoryview", "exit", "quit",
    }
)  # fmt: skip

# Harmless dunders that ordinary classes need (`super().__init__(...)`, `cls.__name__`).
_ALLOWED_DUNDERS: Final = frozenset({"__init__", "__name__", "__doc__", "__qualname__"})
_ALLOWED_DUNDER_NAMES: Final = frozenset({"__name__", "__doc__", "__slots__", "__all__"})

# Introspection attributes without underscores that reach frames, code, globals or tracebacks.
_FORBIDDEN_ATTRIBUTES: Final = frozenset(
    {
        "gi_frame", "gi_code", "gi_yieldfrom", "gi_suspended",
        "cr_frame", "cr_code", "cr_await", "cr_origin", "cr_suspended",
        "ag_frame", "ag_code", "ag_await",
        "f_back", "f_builtins", "f_code", "f_globals", "f_locals", "f_trace", "f_lasti", "f_lineno",
        "tb_frame", "tb_next", "tb_lasti", "tb_lineno",
        "co_code", "co_consts", "co_names", "co_filename",
        "func_globals", "func_code", "func_closure", "im_func", "im_self",
        "format", "format_map",  # allowed only on string literals, checked separately
    }
)  # fmt: skip

_MAX_NODES: Final = 100_000


class GuardViolation(Exception):
    """The source uses something the sandbox does not allow."""

    def __init__(self, message: str, line: int | None) -> None:
        super().__init__(message)
        self.message = message
        self.line = line


def forbidden_attribute(name: str) -> bool:
    """True for an attribute name user code may not read or write (static check and runtime getattr)."""
    if name.startswith("__") and name.endswith("__"):
        return name not in _ALLOWED_DUNDERS
    return name in _FORBIDDEN_ATTRIBUTES


def check_source(source: str) -> ast.Module:
    """Parse and check `source`; return its tree or raise GuardViolation (SyntaxError passes through)."""
    tree = ast.parse(source, filename="<code>", mode="exec")
    checker = _Checker()
    checker.visit(tree)
    return tree


class _Checker(ast.NodeVisitor):
    def __init__(self) -> None:
        self.nodes = 0

    def generic_visit(self, node: ast.AST) -> None:
        self.nodes += 1
        if self.nodes > _MAX_NODES:
            raise GuardViolation("the source is too large to check", getattr(node, "lineno", None))
        super().generic_visit(node)

    def _deny(self, node: ast.AST, message: str) -> NoReturn:
        raise GuardViolation(message, getattr(node, "lineno", None))

    def visit_Import(self, node: ast.Import) -> None:
        for alias in node.names:
            self._check_module(node, alias.name)
        self.generic_visit(node)

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        if node.level or node.module is None:
            self._deny(node, "relative imports are not allowed")
        assert node.module is not None
        self._check_module(node, node.module)
        for alias in node.names:
            if alias.name.startswith("_"):
                self._deny(node, f"importing private name '{alias.name}' is not allowed")
        self.generic_visit(node)

    def _check_module(self, node: ast.AST, module: str) -> None:
        if module not in ALLOWED_MODULES:
            self._deny(node, f"import of module '{module}' is not allowed")

    def visit_Attribute(self, node: ast.Attribute) -> None:
        if node.attr in ("format", "format_map"):
            self._check_format_call(node)
        elif forbidden_attribute(node.attr):
            self._deny(node, f"access to attribute '{node.attr}' is not allowed")
        self.generic_visit(node)

    def _check_format_call(self, node: ast.Attribute) -> None:
        receiver = node.value
        if not (isinstance(receiver, ast.Constant) and isinstance(receiver.value, str)):
            self._deny(node, f"'.{node.attr}' is only allowed on a string literal (use an f-string)")
            return
        self._check_format_string(node, receiver.value)

    def _check_format_string(self, node: ast.AST, text: str) -> None:
        try:
            fields = list(string.Formatter().parse(text))
        except ValueError as exc:
            self._deny(node, f"invalid format string: {exc}")
            return
        for _literal, field, spec, _conversion in fields:
            if field and "." in field:
                self._deny(node, "attribute access inside a format string is not allowed")
            if spec:
                self._check_format_string(node, spec)

    def visit_Name(self, node: ast.Name) -> None:
        self._check_name(node, node.id)
        self.generic_visit(node)

    def visit_Global(self, node: ast.Global) -> None:
        for name in node.names:
            self._check_name(node, name)
        self.generic_visit(node)

    def visit_Nonlocal(self, node: ast.Nonlocal) -> None:
        for name in node.names:
            self._check_name(node, name)
        self.generic_visit(node)

    def _check_name(self, node: ast.AST, name: str) -> None:
        if name in FORBIDDEN_NAMES:
            self._deny(node, f"'{name}' is not allowed")
        if name.startswith("__") and name not in _ALLOWED_DUNDER_NAMES:
            self._deny(node, f"name '{name}' is not allowed")

    def visit_MatchClass(self, node: ast.MatchClass) -> None:
        # Positional sub-patterns read the attributes a class names in `__match_args__`, which
        # code can set to any string (type('X', (...), {'__match_args__': ...})): a getattr by data.
        if node.patterns:
            self._deny(
                node, "positional sub-patterns in class patterns are not allowed (use keywords or 'as')"
            )
        for attr in node.kwd_attrs:
            if forbidden_attribute(attr) or attr in ("format", "format_map"):
                self._deny(node, f"matching on attribute '{attr}' is not allowed")
        self.generic_visit(node)

    def visit_arg(self, node: ast.arg) -> None:
        self._check_annotation(node.annotation)
        self.generic_visit(node)

    def visit_FunctionDef(self, node: ast.FunctionDef) -> None:
        self._check_annotation(node.returns)
        self.generic_visit(node)

    def visit_AsyncFunctionDef(self, node: ast.AsyncFunctionDef) -> None:
        self._check_annotation(node.returns)
        self.generic_visit(node)

    def visit_AnnAssign(self, node: ast.AnnAssign) -> None:
        self._check_annotation(node.annotation)
        self.generic_visit(node)

    def _check_annotation(self, annotation: ast.expr | None) -> None:
        # Library code (functools.singledispatch, get_type_hints) evaluates string annotations with
        # eval(), outside this check: a string annotation would smuggle code past it.
        if annotation is None:
            return
        for sub in ast.walk(annotation):
            if isinstance(sub, ast.Constant) and isinstance(sub.value, str):
                self._deny(sub, "string annotations are not allowed")
