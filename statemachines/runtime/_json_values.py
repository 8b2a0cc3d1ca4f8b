"""JSON value helpers shared by the intrinsic and JSONata functions: typing, equality, Java rendering.

AWS Step Functions runs on the JVM (Jackson): numbers print like `Double.toString`, objects inside
`States.Format` print like `java.util.Map.toString`, and JSON text is compact. These helpers
reproduce that so outputs compare byte-for-byte with AWS.
"""

from __future__ import annotations

import json
import math
from decimal import Decimal
from typing import Any

__all__ = [
    "equality_key",
    "is_integral",
    "is_number",
    "java_double_to_string",
    "to_compact_json",
    "to_java_string",
    "type_name",
]


def is_number(value: Any) -> bool:
    """True for JSON numbers (Python int or float, never bool)."""
    return (type(value) is int or type(value) is float) and value is not True and value is not False


def is_integral(value: Any) -> bool:
    """True for a JSON number without a fractional part (`3` or `3.0`)."""
    if type(value) is int:
        return True
    return type(value) is float and math.isfinite(value) and value.is_integer()


def type_name(value: Any) -> str:
    """The JSON type name of a value, for error messages."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    if isinstance(value, dict):
        return "object"
    return type(value).__name__


def equality_key(value: Any) -> Any:
    """A hashable key equal for JSON values AWS (Java) treats as equal.

    Objects compare without key order and arrays in order; numbers compare by kind and value as
    Java's boxed numbers do, so `1` (an integer) and `1.0` (a double) differ, and a boolean is
    never a number.
    """
    if value is None or isinstance(value, bool | str):
        return (type(value), value)
    if isinstance(value, int | float):
        return (type(value), value)
    if isinstance(value, list):
        return (list, tuple(equality_key(item) for item in value))
    if isinstance(value, dict):
        return (dict, frozenset((key, equality_key(item)) for key, item in value.items()))
    return (type(value), value)


def java_double_to_string(value: float) -> str:
    """Render a float like Java's `Double.toString` (`1.0`, `1.1`, `1.0E20`, `1.0E-5`)."""
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "Infinity" if value > 0 else "-Infinity"
    if value == 0:
        return "-0.0" if math.copysign(1.0, value) < 0 else "0.0"
    magnitude = abs(value)
    sign = "-" if value < 0 else ""
    if 1e-3 <= magnitude < 1e7:
        text = repr(magnitude)
        return sign + (text if "." in text else text + ".0")
    digits_tuple = Decimal(repr(magnitude)).normalize().as_tuple()
    digits = "".join(str(d) for d in digits_tuple.digits)
    exponent = int(digits_tuple.exponent) + len(digits) - 1
    mantissa = digits[0] + "." + (digits[1:] or "0")
    return f"{sign}{mantissa}E{exponent}"


def _number_text(value: int | float) -> str:
    return str(value) if type(value) is int else java_double_to_string(value)


def to_java_string(value: Any) -> str:
    """Render a value as AWS renders a `States.Format` argument (Java `toString` of the JSON tree)."""
    if isinstance(value, str):
        return value
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, int | float):
        return _number_text(value)
    if isinstance(value, list):
        return "[" + ", ".join(to_java_string(item) for item in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{key}={to_java_string(item)}" for key, item in value.items()) + "}"
    return str(value)


def to_compact_json(value: Any) -> str:
    """Serialise JSON without whitespace, non-ASCII kept, numbers as Jackson writes them."""
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, int | float):
        return _number_text(value)
    if isinstance(value, list):
        return "[" + ",".join(to_compact_json(item) for item in value) + "]"
    if isinstance(value, dict):
        return (
            "{"
            + ",".join(
                f"{json.dumps(str(key), ensure_ascii=False)}:{to_compact_json(item)}"
                for key, item in value.items()
            )
            + "}"
        )
    raise TypeError(f"not a JSON value: {type(value).__name__}")
