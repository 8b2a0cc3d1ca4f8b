"""A fast path for the simplest JSONata expressions, compiled to Python closures.

Compiled flows evaluate many small expressions (`$x`, `$states.input.a.b`, `$i + 1`,
`$n < 10 and $ok`, `'a' & $s`, `{"n": ($x.n * 2)}`, `$c ? 'y' : 'n'`). jsonata-python takes tens
of microseconds for each; these closures take about one. Only a strict subset is compiled —
variable paths, literals, arithmetic, comparisons, `and`/`or`, `&`, parentheses, a few functions,
object constructors with string keys, the conditional `?:`, and `$merge([...])` and
`$sift(object, function($v) {...})` in the form the flow compiler writes them — and only the plain
cases run here: whenever a value is of a kind where JSONata has subtler rules (arrays inside a path,
undefined operands, mixed types, non-boolean conditions, numbers past 2**53, ...), the closure
raises `Fallback` and the expression is evaluated by jsonata-python instead, so results and errors
are exactly the library's. Whatever the subset cannot prove equal (duplicate object keys, array constructors
outside `$merge`, lambdas elsewhere, ...) is not compiled at all.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterator, Mapping
from typing import Any, TypeVar

__all__ = ["UNDEFINED", "Fallback", "compile_fast"]

UNDEFINED: Any = object()
FastExpr = Callable[[Mapping[str, Any]], Any]
_T = TypeVar("_T")
_EXACT = 2**53  # JSONata computes with doubles: integers beyond this are rounded


class Fallback(Exception):
    """The fast path does not handle these values: use the full JSONata engine."""


_TOKEN = re.compile(
    r"\s*(?:"
    r"(?P<num>(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][-+]?\d+)?)"
    r"|(?P<str>'[^'\\]*'|\"[^\"\\]*\")"
    r"|(?P<var>\$[A-Za-z_][A-Za-z0-9_]*)"
    r"|(?P<dot>\.(?:[A-Za-z_][A-Za-z0-9_]*|`[^`]*`))"
    r"|(?P<op><=|>=|!=|:=|\?\?|\?:|[-+*/%&=<>(),?:{}\[\]])"
    r"|(?P<word>and|or|true|false|null|function)\b"
    r")"
)
_BINARY = {
    "or": 1,
    "and": 2,
    "=": 3,
    "!=": 3,
    "<": 3,
    "<=": 3,
    ">": 3,
    ">=": 3,
    "&": 4,
    "+": 4,
    "-": 4,
    "*": 5,
    "/": 5,
    "%": 5,
}


def compile_fast(text: str) -> FastExpr | None:
    """A closure evaluating `text` on raw bindings, or None when `text` is outside the subset."""
    tokens: list[tuple[str, str]] = []
    pos = 0
    text = text.strip()
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if not m or m.end() == pos:
            return None
        kind = m.lastgroup or ""
        tokens.append((kind, m.group(kind)))
        pos = m.end()
        while pos < len(text) and text[pos].isspace():
            pos += 1
    if not tokens:
        return None
    parser = _Parser(tokens)
    try:
        expr = parser.expression(0)
    except (_Unsupported, RecursionError):
        return None
    if parser.i != len(tokens):
        return None
    return expr


class _Unsupported(Exception):
    pass


class _Parser:
    def __init__(self, tokens: list[tuple[str, str]]) -> None:
        self.tokens = tokens
        self.i = 0

    def _peek(self) -> tuple[str, str] | None:
        return self.tokens[self.i] if self.i < len(self.tokens) else None

    def _expect(self, op: str) -> None:
        if self._peek() != ("op", op):
            raise _Unsupported
        self.i += 1

    def _list(self, item: Callable[[], _T], close: str) -> list[_T]:
        """Items separated by commas up to the `close` token (consumed); no trailing comma."""
        items: list[_T] = []
        if self._peek() == ("op", close):
            self.i += 1
            return items
        while True:
            items.append(item())
            if self._peek() != ("op", ","):
                self._expect(close)
                return items
            self.i += 1

    def expression(self, min_prec: int) -> FastExpr:
        left = self.primary()
        while True:
            tok = self._peek()
            if tok == ("op", "?") and min_prec == 0:
                # `?` binds looser than every binary operator; both branches are whole expressions
                self.i += 1
                then = self.expression(0)
                otherwise = None
                if self._peek() == ("op", ":"):
                    self.i += 1
                    otherwise = self.expression(0)
                left = _conditional(left, then, otherwise)
                continue
            if tok is None or tok[0] not in ("op", "word") or tok[1] not in _BINARY:
                return left
            prec = _BINARY[tok[1]]
            if prec <= min_prec:
                return left
            self.i += 1
            right = self.expression(prec)
            left = _binary(tok[1], left, right)

    def primary(self) -> FastExpr:
        tok = self._peek()
        if tok is None:
            raise _Unsupported
        self.i += 1
        kind, value = tok
        if kind == "num":
            number = float(value)  # JSONata numbers are doubles; integral ones are ints here
            if not math.isfinite(number):
                raise _Unsupported
            if abs(number) >= _EXACT:
                raise _Unsupported
            literal: Any = int(number) if number.is_integer() else number
            return lambda b: literal
        if kind == "str":
            text = value[1:-1]
            return lambda b: text
        if kind == "word" and value in ("true", "false", "null"):
            const = {"true": True, "false": False, "null": None}[value]
            return lambda b: const
        if kind == "op" and value == "(":
            inner = self.expression(0)
            self._expect(")")
            return inner
        if kind == "op" and value == "{":
            return self.object()
        if kind == "var" and self._peek() == ("op", "("):
            return self.call(value[1:])
        if kind == "var":
            name = value[1:]
            steps: list[str] = []
            while (nxt := self._peek()) is not None and nxt[0] == "dot":
                self.i += 1
                key = nxt[1][1:]
                steps.append(key[1:-1] if key.startswith("`") else key)
            return _path(name, steps)
        raise _Unsupported

    def object(self) -> FastExpr:
        pairs = self._list(self.pair, "}")
        if len({key for key, _ in pairs}) != len(pairs):
            raise _Unsupported  # the library raises D1009
        return _object(pairs)

    def pair(self) -> tuple[str, FastExpr]:
        tok = self._peek()
        if tok is None or tok[0] != "str":
            raise _Unsupported
        self.i += 1
        self._expect(":")
        return tok[1][1:-1], self.expression(0)

    def call(self, name: str) -> FastExpr:
        self.i += 1  # "("
        if name == "merge":
            self._expect("[")  # only an array constructor written in place (members checked when run)
            members = self._list(lambda: self.expression(0), "]")
            self._expect(")")
            return _merge(members)
        if name == "sift":
            target = self.expression(0)
            self._expect(",")
            parameter, body = self.function()
            self._expect(")")
            return _sift(target, parameter, body)
        function = _FUNCTIONS.get(name)
        if function is None:
            raise _Unsupported
        args = self._list(lambda: self.expression(0), ")")
        if len(args) != 1:
            raise _Unsupported
        arg = args[0]

        def apply(b: Mapping[str, Any]) -> Any:
            if name in b:  # a variable shadows the function
                raise Fallback
            return function(arg(b))

        return apply

    def function(self) -> tuple[str, FastExpr]:
        """`function($v) { body }`: the parameter's name and the body."""
        if self._peek() != ("word", "function"):
            raise _Unsupported
        self.i += 1
        self._expect("(")
        tok = self._peek()
        if tok is None or tok[0] != "var":
            raise _Unsupported
        self.i += 1
        self._expect(")")
        self._expect("{")
        body = self.expression(0)
        self._expect("}")
        return tok[1][1:], body


def _string(value: Any) -> Any:
    t = type(value)
    if t is str:
        return value
    if t is bool:
        return "true" if value else "false"
    if (t is int or (t is float and value.is_integer())) and -(10**15) < value < 10**15:
        # the library writes 15 significant digits
        return str(int(value))
    raise Fallback


_JSON_NUMBER = re.compile(r"-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][-+]?\d+)?")


def _to_number(value: Any) -> Any:
    if _number(value):
        return value
    if type(value) is str and _JSON_NUMBER.fullmatch(value):
        number = float(value)
        if abs(number) >= _EXACT:
            raise Fallback
        return int(number) if number.is_integer() else number
    raise Fallback


def _not(value: Any) -> Any:
    if type(value) is bool:
        return not value
    raise Fallback


def _count(value: Any) -> Any:
    if value is UNDEFINED:
        return 0
    if type(value) is list:
        return len(value)
    raise Fallback


def _ascii_text(transform: Callable[[str], Any]) -> Callable[[Any], Any]:
    def apply(value: Any) -> Any:
        if type(value) is str and value.isascii():
            return transform(value)
        raise Fallback

    return apply


_FUNCTIONS: dict[str, Callable[[Any], Any]] = {
    "string": _string,
    "number": _to_number,
    "exists": lambda value: value is not UNDEFINED,
    "not": _not,
    "count": _count,
    "length": _ascii_text(len),
    "uppercase": _ascii_text(str.upper),
    "lowercase": _ascii_text(str.lower),
}


def _path(name: str, steps: list[str]) -> FastExpr:
    def get(bindings: Mapping[str, Any]) -> Any:
        if name not in bindings:
            return UNDEFINED
        cur = bindings[name]
        for key in steps:
            if type(cur) is dict:
                if key not in cur:
                    return UNDEFINED
                cur = cur[key]
            elif type(cur) is list:
                raise Fallback  # JSONata maps a path over arrays
            else:
                return UNDEFINED
        return cur

    return get


def _object(pairs: list[tuple[str, FastExpr]]) -> FastExpr:
    def build(b: Mapping[str, Any]) -> Any:
        out = {}
        for key, value in pairs:
            v = value(b)
            if v is not UNDEFINED:  # an undefined value leaves its key out
                out[key] = v
        return out

    return build


def _conditional(test: FastExpr, then: FastExpr, otherwise: FastExpr | None) -> FastExpr:
    def choose(b: Mapping[str, Any]) -> Any:
        condition = test(b)
        if condition is True:
            return then(b)
        if condition is False:
            return UNDEFINED if otherwise is None else otherwise(b)
        raise Fallback  # JSONata's truthiness of other values

    return choose


def _merge(members: list[FastExpr]) -> FastExpr:
    def merge(b: Mapping[str, Any]) -> Any:
        if "merge" in b:
            raise Fallback
        out: dict[str, Any] = {}
        for member in members:
            value = member(b)
            if type(value) is dict:
                out.update(value)
            elif value is not UNDEFINED:  # the array constructor drops undefined members
                raise Fallback  # flattened arrays, or not an object (an error)
        return out

    return merge


def _sift(target: FastExpr, parameter: str, body: FastExpr) -> FastExpr:
    def sift(b: Mapping[str, Any]) -> Any:
        if "sift" in b:
            raise Fallback
        value = target(b)
        if type(value) is not dict:
            raise Fallback
        out = {}
        for key, entry in value.items():
            keep = body(_Scope(b, parameter, entry))
            if keep is True:
                out[key] = entry
            elif keep is not False:
                raise Fallback
        return out if out else UNDEFINED

    return sift


class _Scope(Mapping[str, Any]):
    """The bindings with a lambda's parameter bound on top, without copying them."""

    __slots__ = ("_name", "_parent", "_value")

    def __init__(self, parent: Mapping[str, Any], name: str, value: Any) -> None:
        self._parent = parent
        self._name = name
        self._value = value

    def __getitem__(self, key: str) -> Any:
        return self._value if key == self._name else self._parent[key]

    def __contains__(self, key: object) -> bool:
        return key == self._name or key in self._parent

    def __iter__(self) -> Iterator[str]:
        yield self._name
        yield from (key for key in self._parent if key != self._name)

    def __len__(self) -> int:
        return sum(1 for _ in self)


def _number(value: Any) -> bool:
    t = type(value)
    return t is int or t is float


def _numbers(lhs: Any, rhs: Any) -> bool:
    """Both are numbers; `Fallback` if the library would round either (or one is not finite)."""
    if not (_number(lhs) and _number(rhs)):
        return False
    if -_EXACT < lhs < _EXACT and -_EXACT < rhs < _EXACT:
        return True
    raise Fallback


def _binary(op: str, left: FastExpr, right: FastExpr) -> FastExpr:
    if op in ("and", "or"):
        is_and = op == "and"

        def logical(b: Mapping[str, Any]) -> Any:
            lhs = left(b)
            if type(lhs) is not bool:
                raise Fallback
            if lhs is not is_and:  # short-circuit: false and ..., true or ...
                return lhs
            rhs = right(b)
            if type(rhs) is not bool:
                raise Fallback
            return rhs

        return logical

    def evaluate(b: Mapping[str, Any]) -> Any:
        lhs, rhs = left(b), right(b)
        if lhs is UNDEFINED or rhs is UNDEFINED:
            raise Fallback
        if op == "=" or op == "!=":
            lt, rt = type(lhs), type(rhs)
            if lt in (dict, list) or rt in (dict, list):
                if lhs is not None and rhs is not None:
                    raise Fallback  # deep equality
                same = False
            elif lhs is None or rhs is None:
                same = lhs is rhs
            elif (lt is bool) != (rt is bool):
                same = False
            elif _numbers(lhs, rhs):
                same = lhs == rhs
            else:
                same = lt is rt and lhs == rhs
            return same if op == "=" else not same
        if op == "&":
            if type(lhs) is str and type(rhs) is str:
                return lhs + rhs
            raise Fallback
        if op in ("<", "<=", ">", ">="):
            if not (_numbers(lhs, rhs) or (type(lhs) is str and type(rhs) is str)):
                raise Fallback
            if op == "<":
                return lhs < rhs
            if op == "<=":
                return lhs <= rhs
            if op == ">":
                return lhs > rhs
            return lhs >= rhs
        if not _numbers(lhs, rhs):
            raise Fallback
        if op == "+":
            result = lhs + rhs
        elif op == "-":
            result = lhs - rhs
        elif op == "*":
            result = lhs * rhs
        elif op == "/":
            if rhs == 0:
                raise Fallback
            result = lhs / rhs
        else:
            if rhs == 0 or lhs < 0 or rhs < 0:
                raise Fallback
            result = math.fmod(lhs, rhs) if type(lhs) is float or type(rhs) is float else lhs % rhs
        if not -_EXACT < result < _EXACT:
            raise Fallback  # rounded by the library, or infinite
        if type(result) is float and result.is_integer():
            return int(result)
        return result

    return evaluate
