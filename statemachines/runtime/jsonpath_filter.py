"""JSONPath filter expressions (`[?(@.a > 1 && @.b == 'x')]`), compiled to predicates."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from statemachines.runtime.errors import PathNotFound

__all__ = ["Predicate", "compile_filter"]

_TOKEN_RE = re.compile(
    r"\s*(?:(?P<num>-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?)|(?P<str>'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\")"
    r"|(?P<op>==|!=|<=|>=|=~|&&|\|\||[<>!()])|(?P<at>@(?:\.[^\s.\[\]()=!<>&|]+|\[[^\]]*\])*)"
    r"|(?P<word>true|false|null)|(?P<regex>/(?:[^/\\]|\\.)*/[a-z]*))"
)

Predicate = Callable[[Any], Any]


def compile_filter(expr: str, text: str) -> Predicate:
    """Compile the expression of a `[?(...)]` filter into a predicate on one candidate value."""
    tokens: list[tuple[str, str]] = []
    pos = 0
    while pos < len(expr):
        m = _TOKEN_RE.match(expr, pos)
        if not m or m.end() == pos:
            if expr[pos:].strip() == "":
                break
            raise ValueError(f"invalid filter in path: {text}")
        kind = m.lastgroup or ""
        tokens.append((kind, m.group(kind)))
        pos = m.end()
    parser = _FilterParser(tokens, text)
    pred = parser.parse_or()
    if parser.i != len(tokens):
        raise ValueError(f"invalid filter in path: {text}")
    return pred


class _FilterParser:
    def __init__(self, tokens: list[tuple[str, str]], text: str) -> None:
        self.tokens = tokens
        self.i = 0
        self.text = text

    def _peek(self) -> tuple[str, str] | None:
        return self.tokens[self.i] if self.i < len(self.tokens) else None

    def parse_or(self) -> Predicate:
        left = self.parse_and()
        while self._peek() == ("op", "||"):
            self.i += 1
            right = self.parse_and()
            left = (lambda a, b: lambda v: bool(a(v)) or bool(b(v)))(left, right)
        return left

    def parse_and(self) -> Predicate:
        left = self.parse_cmp()
        while self._peek() == ("op", "&&"):
            self.i += 1
            right = self.parse_cmp()
            left = (lambda a, b: lambda v: bool(a(v)) and bool(b(v)))(left, right)
        return left

    def parse_cmp(self) -> Predicate:
        tok = self._peek()
        if tok == ("op", "!"):
            self.i += 1
            inner = self.parse_cmp()
            return lambda v: not inner(v)
        if tok == ("op", "("):
            self.i += 1
            inner = self.parse_or()
            if self._peek() != ("op", ")"):
                raise ValueError(f"invalid filter in path: {self.text}")
            self.i += 1
            return inner
        left = self.parse_operand()
        tok = self._peek()
        if tok and tok[0] == "op" and tok[1] in ("==", "!=", "<", "<=", ">", ">=", "=~"):
            self.i += 1
            right = self.parse_operand()
            return _comparison(tok[1], left, right)
        return lambda v: left(v) is not _ABSENT

    def parse_operand(self) -> Callable[[Any], Any]:
        tok = self._peek()
        if tok is None:
            raise ValueError(f"invalid filter in path: {self.text}")
        self.i += 1
        kind, value = tok
        if kind == "num":
            num = float(value) if any(c in value for c in ".eE") else int(value)
            return lambda v: num
        if kind == "str":
            s = value[1:-1].replace("\\'", "'").replace('\\"', '"')
            return lambda v: s
        if kind == "word":
            const = {"true": True, "false": False, "null": None}[value]
            return lambda v: const
        if kind == "regex":
            body, _, flags = value[1:].rpartition("/")
            rx = re.compile(body, re.IGNORECASE if "i" in flags else 0)
            return lambda v: rx
        if kind == "at":
            from statemachines.runtime.jsonpath import compile_path

            sub = compile_path("$" + value[1:])

            def at(v: Any) -> Any:
                try:
                    return sub.get(v)
                except PathNotFound:
                    return _ABSENT

            return at
        raise ValueError(f"invalid filter in path: {self.text}")


_ABSENT = object()


def _comparison(op: str, left: Callable[[Any], Any], right: Callable[[Any], Any]) -> Predicate:
    def cmp(v: Any) -> bool:
        a, b = left(v), right(v)
        if a is _ABSENT or b is _ABSENT:
            return False
        if op == "=~":
            return isinstance(a, str) and isinstance(b, re.Pattern) and b.fullmatch(a) is not None
        if op == "==":
            return _same_kind(a, b) and a == b
        if op == "!=":
            return not (_same_kind(a, b) and a == b)
        if not _same_kind(a, b) or not isinstance(a, (int, float, str)):
            return False
        if op == "<":
            return bool(a < b)
        if op == "<=":
            return bool(a <= b)
        if op == ">":
            return bool(a > b)
        return bool(a >= b)

    return cmp


def _same_kind(a: Any, b: Any) -> bool:
    if isinstance(a, bool) or isinstance(b, bool):
        return isinstance(a, bool) and isinstance(b, bool)
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return True
    return type(a) is type(b)
