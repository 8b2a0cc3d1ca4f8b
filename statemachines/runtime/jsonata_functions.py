"""The JSONata functions AWS Step Functions adds: `$partition`, `$range`, `$hash`, `$random`, `$uuid`, `$parse`.

`register_functions(expr)` binds them on an expression compiled with jsonata-python. They follow
the intrinsic functions they replace (`States.ArrayPartition`, `States.ArrayRange`, `States.Hash`,
`States.MathRandom`, `States.UUID`, `States.StringToJson`), with JSONata conventions: `$range`
returns a sequence (a single item is the item itself, as AWS returns `1` for `$range(1, 9, 9)`),
`$partition` of an empty array is undefined, and `$random` also takes an optional seed. `$eval` is not
available on AWS (use `$parse`): calling it fails with T1006 as there.

Errors: invalid arguments raise `JsonataFunctionError` (a `ValueError`); `str(error)` is the detail
the interpreter puts after "threw an error during evaluation." in its `States.QueryEvaluationError`.
Values arrive and leave in jsonata-python's representation (JSON null is `Utils.NULL_VALUE`,
Python `None` is undefined); randomness comes from the current `Entropy` (see `use_entropy`).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from statemachines.runtime._entropy import JavaRandom, current_entropy
from statemachines.runtime._intrinsic_functions import hash_text, partition_items, range_items
from statemachines.runtime._json_values import is_number
from statemachines.runtime.errors import StatesError

__all__ = ["FUNCTIONS", "UNAVAILABLE", "JsonataFunctionError", "register_functions"]


class JsonataFunctionError(ValueError):
    """Invalid arguments to an AWS JSONata function (surfaces as States.QueryEvaluationError)."""

    def __init__(self, function: str, message: str) -> None:
        super().__init__(f"{function}: {message}")
        self.function = function
        self.message = message


@contextmanager
def _as_function_error(function: str) -> Iterator[None]:
    """Turn the shared intrinsic argument errors into JSONata function errors."""
    try:
        yield
    except StatesError as exc:
        detail = exc.cause or str(exc)
        raise JsonataFunctionError(function, detail.split(": ", 1)[-1]) from None


def _check_count(function: str, args: tuple[Any, ...], minimum: int, maximum: int) -> None:
    if not minimum <= len(args) <= maximum:
        expected = str(minimum) if minimum == maximum else f"{minimum} to {maximum}"
        raise JsonataFunctionError(function, f"expects {expected} arguments, got {len(args)}")


def _null() -> Any:
    from jsonata.utils import Utils

    return Utils.NULL_VALUE


def _scalars(args: tuple[Any, ...]) -> tuple[Any, ...]:
    """Arguments with JSONata's null as None, for the shared argument checks and messages."""
    null = _null()
    return tuple(None if arg is null else arg for arg in args)


def _to_jsonata(value: Any) -> Any:
    """JSON values -> jsonata-python values (None -> NULL_VALUE)."""
    if value is None:
        return _null()
    if isinstance(value, dict):
        return {key: _to_jsonata(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_to_jsonata(item) for item in value]
    return value


def _sequence(items: list[Any]) -> list[Any]:
    from jsonata.utils import Utils

    sequence: list[Any] = Utils.create_sequence_from_iter(items)
    return sequence


def partition(*args: Any) -> Any:
    """`$partition(array, size)`: consecutive chunks of `size` items; undefined for an empty array."""
    _check_count("$partition", args, 2, 2)
    array, size = args[0], _scalars(args[1:])[0]
    with _as_function_error("$partition"):
        chunks = partition_items("$partition", array, size)
    return chunks or None


def range_(*args: Any) -> Any:
    """`$range(start, end, step)`: the inclusive integer range, as a JSONata sequence (max 1000)."""
    _check_count("$range", args, 3, 3)
    with _as_function_error("$range"):
        items = range_items("$range", *_scalars(args))
    return _sequence(list(items))


def hash_(*args: Any) -> str:
    """`$hash(data, algorithm)`: hex digest with MD5, SHA-1, SHA-256, SHA-384 or SHA-512."""
    _check_count("$hash", args, 2, 2)
    with _as_function_error("$hash"):
        return hash_text("$hash", *_scalars(args))


def random_(*args: Any) -> float:
    """`$random([seed])`: a float in [0, 1); a seed gives `java.util.Random(seed).nextDouble()` as on AWS."""
    _check_count("$random", args, 0, 1)
    if not args or args[0] is None:
        return current_entropy().random()
    seed = args[0]
    if not is_number(seed):
        raise JsonataFunctionError("$random", "the seed must be a number")
    # Java narrows the JSONata number to a long seed.
    return JavaRandom(int(seed)).next_double()


def uuid_(*args: Any) -> str:
    """`$uuid()`: a random version 4 UUID."""
    _check_count("$uuid", args, 0, 0)
    return current_entropy().uuid4()


def _reject_constant(token: str) -> Any:
    raise ValueError(f"invalid JSON number {token}")


def parse(*args: Any) -> Any:
    """`$parse(text)`: the JSON value of a JSON text (AWS's replacement for `$eval`)."""
    _check_count("$parse", args, 1, 1)
    (text,) = args
    if text is None:
        return None
    if not isinstance(text, str):
        raise JsonataFunctionError("$parse", "the argument must be a string")
    try:
        return _to_jsonata(json.loads(text, parse_constant=_reject_constant))
    except ValueError as exc:
        raise JsonataFunctionError("$parse", f"the argument is not valid JSON: {exc}") from None


#: name (without `$`) -> implementation, as bound by `register_functions`.
FUNCTIONS: dict[str, Callable[..., Any]] = {
    "partition": partition,
    "range": range_,
    "hash": hash_,
    "random": random_,
    "uuid": uuid_,
    "parse": parse,
}


#: JSONata built-ins AWS removes; calling one fails with T1006 "Attempted to invoke a non-function".
UNAVAILABLE = ("eval",)


def register_functions(expr: Any) -> None:
    """Bind AWS's extra functions on a compiled `jsonata.Jsonata` expression and hide `$eval`."""
    for name, function in FUNCTIONS.items():
        expr.register_lambda(name, function)
    for name in UNAVAILABLE:
        # A None binding shadows the built-in: invoking it is JSONata's T1006, as on AWS.
        expr.register_function(name, None)
