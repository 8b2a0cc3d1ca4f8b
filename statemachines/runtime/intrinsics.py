"""ASL intrinsic functions (`States.Format`, `States.MathAdd`, ...) compiled once into plain closures.

`compile_intrinsic(text)` parses a call such as `States.Format('Hi {}', $.name)` and returns an
evaluator taking a `Resolver` (path text -> value, raising `PathNotFound`). Evaluation follows AWS
Step Functions: JVM number rendering, Java rounding of non-integers, AWS limits.

Errors: a malformed call, an unknown function or a wrong argument count raise `DefinitionError`
at compile time. Invalid argument values raise `StatesError("States.Runtime", cause)` at
evaluation; the cause is the detail AWS appends after its "An error occurred while executing the
state '<name>' (entered at the event id #<n>). " prefix, which the interpreter adds. A path that
selects nothing propagates the resolver's `PathNotFound` (the interpreter knows the field name AWS
puts in that message). Results may share structure with resolved inputs: treat them as immutable.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from typing import Any, NamedTuple

from statemachines.runtime._entropy import Entropy, SeededEntropy, SystemEntropy, use_entropy
from statemachines.runtime._intrinsic_functions import FUNCTIONS, format_values
from statemachines.runtime._intrinsic_parser import Call, Literal, Node, PathArgument, parse_intrinsic
from statemachines.runtime._json_values import to_java_string
from statemachines.runtime.errors import DefinitionError, StatesError

__all__ = [
    "FUNCTION_NAMES",
    "Entropy",
    "IntrinsicEvaluator",
    "IntrinsicInfo",
    "Resolver",
    "SeededEntropy",
    "SystemEntropy",
    "compile_intrinsic",
    "describe_intrinsic",
    "evaluate_intrinsic",
    "is_intrinsic",
    "use_entropy",
]

Resolver = Callable[[str], Any]
IntrinsicEvaluator = Callable[[Resolver], Any]
_Getter = Callable[[Resolver], Any]

#: Every intrinsic function name AWS defines.
FUNCTION_NAMES = frozenset(FUNCTIONS)

# --- compilation -------------------------------------------------------------------------------


def _compile_node(node: Node) -> _Getter:
    if isinstance(node, Literal):
        value = node.value
        return lambda _resolve: value
    if isinstance(node, PathArgument):
        path = node.path
        return lambda resolve: resolve(path)
    return _compile_call(node)


def _compile_format(call: Call, parts: tuple[str, ...]) -> IntrinsicEvaluator:
    getters = [_compile_node(arg) for arg in call.args[1:]]
    if len(getters) == 1 and len(parts) == 2:
        (get,) = getters
        head, tail = parts
        return lambda resolve: head + to_java_string(get(resolve)) + tail
    return lambda resolve: format_values(call.name, parts, [get(resolve) for get in getters])


def _raising(error: StatesError) -> IntrinsicEvaluator:
    def fail(_resolve: Resolver) -> Any:
        raise error

    return fail


def _compile_call(call: Call) -> IntrinsicEvaluator:
    spec = FUNCTIONS.get(call.name)
    if spec is None:
        raise DefinitionError(f"Unknown intrinsic function '{call.name}'")
    impl, minimum, maximum = spec
    count = len(call.args)
    if count < minimum or (maximum is not None and count > maximum):
        expected = (
            f"{minimum}"
            if minimum == maximum
            else f"{minimum} to {maximum}"
            if maximum
            else f"at least {minimum}"
        )
        raise DefinitionError(f"The intrinsic function {call.name} expects {expected} arguments, got {count}")
    for arg in call.args:
        if isinstance(arg, Literal) and arg.error is not None:
            return _raising(StatesError("States.Runtime", f"Invalid arguments in {call.name}: {arg.error}"))
    first = call.args[0] if call.args else None
    if call.name == "States.Format" and isinstance(first, Literal) and first.format_parts is not None:
        return _compile_format(call, first.format_parts)
    getters = [_compile_node(arg) for arg in call.args]
    if count == 0:
        return lambda _resolve: impl()
    if count == 1:
        (g0,) = getters
        return lambda resolve: impl(g0(resolve))
    if count == 2:
        g0, g1 = getters
        return lambda resolve: impl(g0(resolve), g1(resolve))
    if count == 3:
        g0, g1, g2 = getters
        return lambda resolve: impl(g0(resolve), g1(resolve), g2(resolve))
    return lambda resolve: impl(*[get(resolve) for get in getters])


def is_intrinsic(text: str) -> bool:
    """True when a `.$` field value is an intrinsic function call rather than a path."""
    return isinstance(text, str) and text.startswith("States.")


@functools.lru_cache(maxsize=4096)
def compile_intrinsic(text: str) -> IntrinsicEvaluator:
    """Parse an intrinsic call once into an evaluator; raises DefinitionError for invalid calls."""
    return _compile_call(parse_intrinsic(text))


def evaluate_intrinsic(text: str, resolve: Resolver) -> Any:
    """Compile (cached) and evaluate an intrinsic call against a resolver."""
    return compile_intrinsic(text)(resolve)


class IntrinsicInfo(NamedTuple):
    """What a call uses, for definition-time checks (e.g. the functions a Fail state allows)."""

    functions: frozenset[str]
    paths: tuple[str, ...]


def _walk(call: Call) -> Iterator[Node]:
    yield call
    for arg in call.args:
        if isinstance(arg, Call):
            yield from _walk(arg)
        else:
            yield arg


@functools.lru_cache(maxsize=4096)
def describe_intrinsic(text: str) -> IntrinsicInfo:
    """The function names and path arguments (as written, in order) of a call; DefinitionError if invalid."""
    compile_intrinsic(text)
    nodes = list(_walk(parse_intrinsic(text)))
    return IntrinsicInfo(
        functions=frozenset(node.name for node in nodes if isinstance(node, Call)),
        paths=tuple(node.path for node in nodes if isinstance(node, PathArgument)),
    )
