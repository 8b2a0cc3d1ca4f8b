"""Runs checked Python source in a restricted namespace: safe builtins, filtered allow-listed modules."""

from __future__ import annotations

import builtins
import json
import sys
import types

from deca.sandbox.child import guard
from deca.sandbox.child.outcome import code_error, output_json, violation

# The child starts per run: no typing import at run time (mypy still sees these).
TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any, Final

    from deca.sandbox.child.outcome import Outcome

__all__ = ["SandboxViolation", "output_value", "run_python"]

_SAFE_BUILTIN_NAMES: Final = (
    "abs", "aiter", "all", "anext", "any", "ascii", "bin", "bool", "bytearray", "bytes", "callable", "chr",
    "classmethod", "complex", "dict", "dir", "divmod", "enumerate", "filter", "float", "format", "frozenset",
    "hash", "hex", "id", "int", "isinstance", "issubclass", "iter", "len", "list", "map", "max", "min",
    "next", "object", "oct", "ord", "pow", "print", "property", "range", "repr", "reversed", "round", "set",
    "slice", "sorted", "staticmethod", "str", "sum", "super", "tuple", "type", "zip",
    "True", "False", "None", "Ellipsis", "NotImplemented", "__build_class__",
)  # fmt: skip

# Public names left out of a module's copy: they look attributes up by a string the code chooses
# (update_wrapper's `assigned`, attrgetter), start processes, evaluate text as code, or are
# command-line entry points.
_EXCLUDED_EVERYWHERE: Final = frozenset({"main", "test"})
_EXCLUDED: Final = {
    "operator": frozenset({"attrgetter", "methodcaller"}),
    "string": frozenset({"Formatter"}),
    "uuid": frozenset({"getnode", "uuid1"}),
    "functools": frozenset({"singledispatch", "singledispatchmethod", "update_wrapper", "wraps"}),
}

_USER_FILE: Final = "<code>"


class SandboxViolation(BaseException):
    """Raised at run time when code reaches for something the guard forbids (not an Exception subclass)."""


class _State:
    violation: str | None = None


def _violate(message: str) -> SandboxViolation:
    # Remembered even if the code catches the exception: the run still ends as a violation.
    _State.violation = _State.violation or message
    return SandboxViolation(message)


def _module_view(name: str, cache: dict[str, types.ModuleType]) -> types.ModuleType:
    if name in cache:
        return cache[name]
    __import__(name)
    real = sys.modules[name]
    view = types.ModuleType(name, getattr(real, "__doc__", None))
    excluded = _EXCLUDED.get(name, frozenset()) | _EXCLUDED_EVERYWHERE
    for attr, value in vars(real).items():
        if attr.startswith("_") or attr in excluded:
            continue
        if isinstance(value, types.ModuleType):
            full = f"{name}.{attr}"
            if full in guard.ALLOWED_MODULES:
                setattr(view, attr, _module_view(full, cache))
            continue
        setattr(view, attr, value)
    view.__getattr__ = _missing_attribute(name, real, excluded)  # type: ignore[method-assign]
    cache[name] = view
    return view


def _missing_attribute(name: str, real: types.ModuleType, excluded: frozenset[str]) -> Callable[[str], Any]:
    """PEP 562 hook of a module copy: names left out on purpose are violations, others AttributeError."""

    def missing(attr: str) -> Any:
        if not (attr.startswith("__") and attr.endswith("__")) and (
            attr.startswith("_")
            or attr in excluded
            or isinstance(getattr(real, attr, None), types.ModuleType)
        ):
            raise _violate(f"'{name}.{attr}' is not available in the sandbox")
        raise AttributeError(f"module '{name}' has no attribute '{attr}'")

    return missing


def _make_import(cache: dict[str, types.ModuleType]) -> Callable[..., types.ModuleType]:
    def safe_import(
        name: str, globals: Any = None, locals: Any = None, fromlist: Any = (), level: int = 0
    ) -> types.ModuleType:
        if level or name not in guard.ALLOWED_MODULES:
            raise _violate(f"import of module '{name}' is not allowed")
        view = _module_view(name, cache)
        if fromlist:
            return view
        return _module_view(name.partition(".")[0], cache)

    return safe_import


def _safe_getattr(obj: object, name: str, *default: object) -> object:
    if not isinstance(name, str) or name.startswith("__") or guard.forbidden_attribute(name):
        raise _violate(f"access to attribute '{name}' is not allowed")
    return getattr(obj, name, *default)


def _safe_hasattr(obj: object, name: str) -> bool:
    if not isinstance(name, str) or name.startswith("__") or guard.forbidden_attribute(name):
        raise _violate(f"access to attribute '{name}' is not allowed")
    return hasattr(obj, name)


def _builtins(cache: dict[str, types.ModuleType]) -> dict[str, Any]:
    safe: dict[str, Any] = {name: getattr(builtins, name) for name in _SAFE_BUILTIN_NAMES}
    for name, value in vars(builtins).items():
        if isinstance(value, type) and issubclass(value, BaseException):
            safe[name] = value
    safe.update(getattr=_safe_getattr, hasattr=_safe_hasattr, __import__=_make_import(cache))
    return safe


class _CappedLog:
    """Stands in for sys.stdout and sys.stderr: keeps the first `cap` characters, then a marker."""

    def __init__(self, cap: int) -> None:
        self.cap = cap
        self.parts: list[str] = []
        self.size = 0
        self.truncated = False

    def write(self, text: str) -> int:
        if not isinstance(text, str):
            raise TypeError("write() argument must be str")
        room = self.cap - self.size
        if room > 0:
            self.parts.append(text[:room])
            self.size += min(len(text), room)
        if len(text) > room:
            self.truncated = True
        return len(text)

    def flush(self) -> None:
        return None

    def text(self) -> str:
        return "".join(self.parts) + ("\n[logs truncated]" if self.truncated else "")


def _user_line(exc: BaseException) -> int | None:
    line = None
    tb = exc.__traceback__
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == _USER_FILE:
            line = tb.tb_lineno
        tb = tb.tb_next
    return line


def output_value(value: Any, logs: str, max_output_bytes: int) -> Outcome:
    """A successful reply with `value` serialised, or the error saying why it cannot be."""
    try:
        text = json.dumps(value, separators=(",", ":"), allow_nan=False, ensure_ascii=False)
    except (TypeError, ValueError) as exc:
        return code_error(type(exc).__name__, f"main returned a value that is not JSON: {exc}", None, logs)
    except RecursionError:
        return code_error("RecursionError", "main returned a value nested too deeply for JSON", None, logs)
    return output_json(text, logs, max_output_bytes)


def run_python(source: str, input_json: str, *, max_output_bytes: int, max_log_bytes: int) -> Outcome:
    """Check and run `source`, call its `main(input)` and return the outcome (never raises)."""
    try:
        tree = guard.check_source(source)
    except guard.GuardViolation as exc:
        return violation(exc.message, exc.line, "")
    except SyntaxError as exc:
        return code_error("SyntaxError", exc.msg or "invalid syntax", exc.lineno, "")
    except (RecursionError, MemoryError):
        return violation("the source is too deeply nested to check", None, "")
    log = _CappedLog(max_log_bytes)
    real_out, real_err = sys.stdout, sys.stderr
    sys.stdout = sys.stderr = log
    try:
        return _execute(tree, json.loads(input_json), log, max_output_bytes)
    finally:
        sys.stdout, sys.stderr = real_out, real_err


def _execute(tree: Any, value: Any, log: _CappedLog, max_output_bytes: int) -> Outcome:
    cache: dict[str, types.ModuleType] = {}
    namespace: dict[str, Any] = {"__builtins__": _builtins(cache), "__name__": "__sandbox__"}
    try:
        exec(compile(tree, _USER_FILE, "exec"), namespace)
        entry = namespace.get("main")
        if not callable(entry):
            return code_error("NameError", "the source must define a function main(input)", None, log.text())
        result = entry(value)
        if _State.violation is None:
            return output_value(result, log.text(), max_output_bytes)
    except SandboxViolation:
        pass
    except MemoryError:
        raise
    except RecursionError as exc:
        if _State.violation is None:
            return code_error("RecursionError", str(exc), _user_line(exc), log.text())
    except BaseException as exc:  # SystemExit, GeneratorExit and the like end the run as the code's error
        if _State.violation is None:
            return code_error(type(exc).__name__, _message(exc), _user_line(exc), log.text())
    return violation(_State.violation or "sandbox violation", None, log.text())


def _message(exc: BaseException) -> str:
    try:
        return str(exc)
    except Exception:
        return "<unprintable exception>"
