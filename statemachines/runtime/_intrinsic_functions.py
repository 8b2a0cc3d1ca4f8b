"""Implementations of the ASL intrinsic functions over evaluated argument values.

Shared with the JSONata functions AWS adds (`$range`, `$hash`, `$partition`). Invalid arguments raise
`StatesError("States.Runtime", ...)`; see `intrinsics` for the compiled, public entry points.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
from collections.abc import Callable, Sequence
from decimal import ROUND_FLOOR, Decimal
from typing import Any, NoReturn

from statemachines.runtime._entropy import JavaRandom, current_entropy
from statemachines.runtime._json_values import (
    equality_key,
    is_integral,
    is_number,
    to_compact_json,
    to_java_string,
    type_name,
)
from statemachines.runtime.errors import StatesError

__all__ = ["FUNCTIONS", "format_values", "hash_text", "partition_items", "range_items"]

_INT_MIN, _INT_MAX = -(2**31), 2**31 - 1
_MAX_RANGE_ITEMS = 1000
_MAX_INPUT_CHARS = 10_000
_HASHES: dict[str, str] = {
    "MD5": "md5",
    "SHA-1": "sha1",
    "SHA-256": "sha256",
    "SHA-384": "sha384",
    "SHA-512": "sha512",
}


def _fail(name: str, reason: str) -> NoReturn:
    raise StatesError("States.Runtime", f"Invalid arguments in {name}: {reason}")


def _require_string(name: str, value: Any, what: str) -> str:
    if not isinstance(value, str):
        _fail(name, f"{what} must be a string, got {type_name(value)}")
    return value


def _require_array(name: str, value: Any, what: str) -> list[Any]:
    if not isinstance(value, list):
        _fail(name, f"{what} must be an array, got {type_name(value)}")
    return value


def _require_integer(name: str, value: Any, what: str) -> int:
    if not is_number(value) or not is_integral(value):
        shown = to_compact_json(value) if is_number(value) or isinstance(value, str) else type_name(value)
        _fail(name, f"{what} must be an integer, got {shown}")
    return int(value)


def _java_round(name: str, value: Any, what: str) -> int:
    """Round like Java's Math.round (half up towards positive infinity); AWS accepts 32-bit ints."""
    if not is_number(value):
        _fail(name, f"{what} must be a number, got {type_name(value)}")
    rounded = (
        value if type(value) is int else int((Decimal(value) + Decimal("0.5")).to_integral_value(ROUND_FLOOR))
    )
    if not _INT_MIN <= rounded <= _INT_MAX:
        _fail(name, f"{what} must be between {_INT_MIN} and {_INT_MAX}, got {rounded}")
    return rounded


def _check_length(name: str, text: str) -> None:
    if len(text) > _MAX_INPUT_CHARS:
        _fail(name, f"the input must not exceed {_MAX_INPUT_CHARS} characters, got {len(text)}")


# --- the functions, over evaluated argument values -------------------------------------------


def format_values(name: str, parts: Sequence[str], values: Sequence[Any]) -> str:
    """Fill the `{}` gaps between `parts` with the values rendered as AWS renders them."""
    if len(parts) - 1 != len(values):
        _fail(
            name,
            f"the format string has {len(parts) - 1} placeholders but {len(values)} arguments were given",
        )
    pieces = [parts[0]]
    for value, part in zip(values, parts[1:], strict=True):
        pieces.append(to_java_string(value))
        pieces.append(part)
    return "".join(pieces)


def _format(template: Any, *values: Any) -> str:
    text = _require_string("States.Format", template, "the format string")
    return format_values("States.Format", text.split("{}"), values)


def _reject_constant(token: str) -> NoReturn:
    raise ValueError(f"invalid JSON number {token}")


def _string_to_json(text: Any) -> Any:
    value = _require_string("States.StringToJson", text, "the argument")
    if not value.strip():
        return None
    try:
        return json.loads(value, parse_constant=_reject_constant)
    except ValueError as exc:
        _fail("States.StringToJson", f"the argument is not valid JSON: {exc}")


def _json_to_string(value: Any) -> str:
    return to_compact_json(value)


def _array(*values: Any) -> list[Any]:
    return list(values)


def partition_items(name: str, array: Any, size: Any) -> list[list[Any]]:
    """Consecutive chunks of `size` items (`States.ArrayPartition` / `$partition`)."""
    items = _require_array(name, array, "the first argument")
    # AWS rounds a non-integer chunk size, start, end or step to the nearest integer.
    chunk = _java_round(name, size, "the chunk size")
    if chunk <= 0:
        _fail(name, f"the chunk size must be greater than 0, got {chunk}")
    return [items[i : i + chunk] for i in range(0, len(items), chunk)]


def _array_partition(array: Any, size: Any) -> list[list[Any]]:
    return partition_items("States.ArrayPartition", array, size)


def _array_contains(array: Any, value: Any) -> bool:
    items = _require_array("States.ArrayContains", array, "the first argument")
    key = equality_key(value)
    return any(equality_key(item) == key for item in items)


def range_items(name: str, start: Any, end: Any, step: Any) -> list[int]:
    """The inclusive integer range of `States.ArrayRange` / `$range` (at most 1000 items)."""
    first = _java_round(name, start, "the start")
    last = _java_round(name, end, "the end")
    increment = _java_round(name, step, "the step")
    if increment == 0:
        _fail(name, "the step must not be 0")
    count = max(0, (last - first) // increment + 1)
    if count > _MAX_RANGE_ITEMS:
        _fail(name, f"the range would contain {count} items, more than the maximum of {_MAX_RANGE_ITEMS}")
    return list(range(first, first + count * increment, increment))


def _array_range(start: Any, end: Any, step: Any) -> list[int]:
    return range_items("States.ArrayRange", start, end, step)


def _array_get_item(array: Any, index: Any) -> Any:
    items = _require_array("States.ArrayGetItem", array, "the first argument")
    position = _require_integer("States.ArrayGetItem", index, "the index")
    if not 0 <= position < len(items):
        _fail(
            "States.ArrayGetItem",
            f"the index {position} is out of bounds for an array of length {len(items)}",
        )
    return items[position]


def _array_length(array: Any) -> int:
    return len(_require_array("States.ArrayLength", array, "the argument"))


def _array_unique(array: Any) -> list[Any]:
    items = _require_array("States.ArrayUnique", array, "the argument")
    seen: set[Any] = set()
    unique = []
    for item in items:
        key = equality_key(item)
        if key not in seen:
            seen.add(key)
            unique.append(item)
    return unique


def _base64_encode(text: Any) -> str:
    value = _require_string("States.Base64Encode", text, "the argument")
    _check_length("States.Base64Encode", value)
    return base64.b64encode(value.encode("utf-8")).decode("ascii")


def _base64_decode(text: Any) -> str:
    value = _require_string("States.Base64Decode", text, "the argument")
    _check_length("States.Base64Decode", value)
    try:
        return base64.b64decode(value.encode("ascii"), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeError) as exc:
        _fail("States.Base64Decode", f"the argument is not valid base64 text: {exc}")


def hash_text(name: str, data: Any, algorithm: Any) -> str:
    """Hex digest of a string with an AWS algorithm name (`States.Hash` / `$hash`)."""
    text = _require_string(name, data, "the data")
    algo = _require_string(name, algorithm, "the algorithm")
    if algo not in _HASHES:
        _fail(name, f"the algorithm must be one of {', '.join(_HASHES)}, got '{algo}'")
    _check_length(name, text)
    return hashlib.new(_HASHES[algo], text.encode("utf-8")).hexdigest()


def _hash(data: Any, algorithm: Any) -> str:
    return hash_text("States.Hash", data, algorithm)


def _json_merge(left: Any, right: Any, deep: Any) -> dict[str, Any]:
    name = "States.JsonMerge"
    if not isinstance(left, dict) or not isinstance(right, dict):
        _fail(
            name, f"both objects to merge must be JSON objects, got {type_name(left)} and {type_name(right)}"
        )
    if not isinstance(deep, bool):
        _fail(name, f"the merge mode must be a boolean, got {type_name(deep)}")
    if deep:
        # AWS: "Step Functions only supports the shallow merging mode".
        _fail(name, "only the shallow merging mode is supported, the third argument must be false")
    return {**left, **right}


def _math_random(start: Any, end: Any, seed: Any = None) -> int:
    """A random integer in [start, end) like AWS: a seed gives `java.util.Random(seed).nextInt`."""
    name = "States.MathRandom"
    low = _java_round(name, start, "the start")
    high = _java_round(name, end, "the end")
    if low >= high:
        _fail(name, f"the start {low} must be less than the end {high}")
    if seed is None:
        return current_entropy().randint(low, high - 1)
    return low + JavaRandom(_require_integer(name, seed, "the seed")).next_int(high - low)


def _math_add(left: Any, right: Any) -> int:
    if (
        type(left) is int
        and type(right) is int
        and _INT_MIN <= left <= _INT_MAX
        and _INT_MIN <= right <= _INT_MAX
    ):
        return left + right
    return _java_round("States.MathAdd", left, "the first number") + _java_round(
        "States.MathAdd", right, "the second number"
    )


def _string_split(text: Any, delimiters: Any) -> list[str]:
    """Split like Java's StringTokenizer: every delimiter character separates, empty tokens drop."""
    value = _require_string("States.StringSplit", text, "the string")
    separators = _require_string("States.StringSplit", delimiters, "the delimiter")
    if not separators:
        return [value] if value else []
    if len(separators) == 1:
        return [token for token in value.split(separators) if token]
    tokens: list[str] = []
    current: list[str] = []
    for char in value:
        if char in separators:
            if current:
                tokens.append("".join(current))
                current.clear()
        else:
            current.append(char)
    if current:
        tokens.append("".join(current))
    return tokens


def _uuid() -> str:
    return current_entropy().uuid4()


#: name -> (implementation, minimum arguments, maximum arguments or None for any)
FUNCTIONS: dict[str, tuple[Callable[..., Any], int, int | None]] = {
    "States.Format": (_format, 1, None),
    "States.StringToJson": (_string_to_json, 1, 1),
    "States.JsonToString": (_json_to_string, 1, 1),
    "States.Array": (_array, 0, None),
    "States.ArrayPartition": (_array_partition, 2, 2),
    "States.ArrayContains": (_array_contains, 2, 2),
    "States.ArrayRange": (_array_range, 3, 3),
    "States.ArrayGetItem": (_array_get_item, 2, 2),
    "States.ArrayLength": (_array_length, 1, 1),
    "States.ArrayUnique": (_array_unique, 1, 1),
    "States.Base64Encode": (_base64_encode, 1, 1),
    "States.Base64Decode": (_base64_decode, 1, 1),
    "States.Hash": (_hash, 2, 2),
    "States.JsonMerge": (_json_merge, 3, 3),
    "States.MathRandom": (_math_random, 2, 3),
    "States.MathAdd": (_math_add, 2, 2),
    "States.StringSplit": (_string_split, 2, 2),
    "States.UUID": (_uuid, 0, 0),
}
