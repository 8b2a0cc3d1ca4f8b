"""A fast path for the simplest JSONata expressions, compiled to Python closures.

Compiled flows evaluate many small expressions (`$x`, `$states.input.a.b`, `$i + 1`,
`$n < 10 and $ok`, `'a' & $s`). jsonata-python takes tens of microseconds for each; these closures
take about one. Only a strict subset is compiled — variable paths, literals, arithmetic,
comparisons, `and`/`or`, `&` and parentheses — and only the plain cases run here: whenever a value
is of a kind where JSONata has subtler rules (arrays inside a path, undefined operands, mixed
types, non-boolean `and`/`or` operands, ...), the closure raises `Fallback` and the expression is
evaluated by jsonata-python instead, so results and errors are exactly the library's.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping
from typing import Any

__all__ = ["UNDEFINED", "Fallback", "compile_fast"]

UNDEFINED: Any = object()
FastExpr = Callable[[Mapping[str, Any]], Any]


class Fallback(Exception):
    """The fast path does not handle these values: use the full JSONata engine."""


_TOKEN = re.compile(
    r"\s*(?:"
    r"(?P<num>\d+(?:\.\d+)?(?:[eE][-+]?\d+)?)"
    r"|(?P<str>'[^'\\]*'|\"[^\"\\]*\")"
    r"|(?P<var>\$[A-Za-z_][A-Za-z0-9_]*)"
    r"|(?P<dot>\.(?:[A-Za-z_][A-Za-z0-9_]*|`[^`]*`))"
    r"|(?P<op><=|>=|!=|[-+*/%&=<>(),])"
    r"|(?P<word>and|or|true|false|null)\b"
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
    except _Unsupported:
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

    def expression(self, min_prec: int) -> FastExpr:
        left = self.primary()
        while True:
            tok = self._peek()
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
            number: Any = float(value) if any(c in value for c in ".eE") else int(value)
            return lambda b: number
        if kind == "str":
            literal = value[1:-1]
            return lambda b: literal
        if kind == "word" and value in ("true", "false", "null"):
            const = {"true": True, "false": False, "null": None}[value]
            return lambda b: const
        if kind == "op" and value == "(":
            inner = self.expression(0)
            if self._peek() != ("op", ")"):
                raise _Unsupported
            self.i += 1
            return inner
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

    def call(self, name: str) -> FastExpr:
        function = _FUNCTIONS.get(name)
        if function is None:
            raise _Unsupported
        self.i += 1  # "("
        args: list[FastExpr] = []
        if self._peek() != ("op", ")"):
            while True:
                args.append(self.expression(0))
                if self._peek() == ("op", ","):
                    self.i += 1
                    continue
                break
        if self._peek() != ("op", ")"):
            raise _Unsupported
        self.i += 1
        if len(args) != 1:
            raise _Unsupported
        arg = args[0]

        def apply(b: Mapping[str, Any]) -> Any:
            if name in b:  # a variable shadows the function
                raise Fallback
            return function(arg(b))

        return apply


def _string(value: Any) -> Any:
    t = type(value)
    if t is str:
        return value
    if t is bool:
        return "true" if value else "false"
    if t is int or (t is float and value.is_integer() and abs(value) < 2**53):
        return str(int(value))
    raise Fallback


_JSON_NUMBER = re.compile(r"-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][-+]?\d+)?")


def _to_number(value: Any) -> Any:
    if _number(value):
        return value
    if type(value) is str and _JSON_NUMBER.fullmatch(value):
        number = float(value)
        return int(number) if number.is_integer() and abs(number) < 2**53 else number
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


def _number(value: Any) -> bool:
    t = type(value)
    return t is int or t is float


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
                raise Fallback
            if lhs is None or rhs is None:
                same = lhs is rhs
            elif (lt is bool) != (rt is bool):
                same = False
            elif _number(lhs) and _number(rhs):
                same = lhs == rhs
            else:
                same = lt is rt and lhs == rhs
            return same if op == "=" else not same
        if op == "&":
            if type(lhs) is str and type(rhs) is str:
                return lhs + rhs
            raise Fallback
        if op in ("<", "<=", ">", ">="):
            if not ((_number(lhs) and _number(rhs)) or (type(lhs) is str and type(rhs) is str)):
                raise Fallback
            if op == "<":
                return lhs < rhs
            if op == "<=":
                return lhs <= rhs
            if op == ">":
                return lhs > rhs
            return lhs >= rhs
        if not (_number(lhs) and _number(rhs)):
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
        if type(result) is float:
            if not math.isfinite(result):
                raise Fallback
            if result.is_integer() and abs(result) < 2**53:
                return int(result)
        return result

    return evaluate
