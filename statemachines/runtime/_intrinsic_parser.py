"""Parser of ASL intrinsic function calls (`States.Format('x {}', $.a)`) into a small syntax tree.

Grammar (AWS "Intrinsic functions for JSONPath states"):

    call     := "States." NAME "(" [ argument ( "," argument )* ] ")"
    argument := call | 'string' | number | true | false | null | path
    path     := "$" ... (a JSONPath, a context path `$$...` or a variable `$name...`)

In string literals the reserved characters `'`, `{`, `}` and `\\` are escaped with a backslash (AWS
"Reserved characters in intrinsic functions"); an escaped brace is a literal brace, so in
`States.Format` only an unescaped `{}` is a placeholder. Any other backslash is an "open escape",
which AWS reports as a runtime error when the function is evaluated.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from statemachines.runtime.errors import DefinitionError

__all__ = ["MAX_NESTING", "Call", "Literal", "Node", "PathArgument", "parse_intrinsic"]

#: AWS allows at most 10 nested intrinsic functions in one field.
MAX_NESTING = 10

#: The characters a backslash escapes in a string literal; any other backslash is an "open escape".
_RESERVED = frozenset("'{}\\")
_NAME_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")
_NUMBER_CHARS = frozenset("0123456789+-.eE")
_WHITESPACE = " \t\r\n"


@dataclass(frozen=True, slots=True)
class Literal:
    """A constant argument; `format_parts` is the text split on unescaped `{}` (strings only).

    `error` is set for a string literal AWS rejects at evaluation time (an open escape backslash).
    """

    value: Any
    format_parts: tuple[str, ...] | None = None
    error: str | None = None


@dataclass(frozen=True, slots=True)
class PathArgument:
    """A path argument exactly as written (`$.a[0]`, `$$.Execution.Id`, `$var.x`)."""

    path: str


@dataclass(frozen=True, slots=True)
class Call:
    """A call of `States.<name>` with its arguments."""

    name: str
    args: tuple[Node, ...]


Node = Literal | PathArgument | Call


class _Parser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0

    def fail(self, message: str) -> DefinitionError:
        return DefinitionError(f"Invalid intrinsic function '{self.text}': {message} at position {self.pos}")

    def skip_ws(self) -> None:
        text, pos = self.text, self.pos
        while pos < len(text) and text[pos] in _WHITESPACE:
            pos += 1
        self.pos = pos

    def parse(self) -> Call:
        call = self.call(1)
        self.skip_ws()
        if self.pos != len(self.text):
            raise self.fail("unexpected text after the closing parenthesis")
        return call

    def call(self, depth: int) -> Call:
        if depth > MAX_NESTING:
            raise self.fail(f"more than {MAX_NESTING} nested intrinsic functions")
        if not self.text.startswith("States.", self.pos):
            raise self.fail("expected 'States.'")
        start = self.pos = self.pos + len("States.")
        while self.pos < len(self.text) and self.text[self.pos] in _NAME_CHARS:
            self.pos += 1
        name = "States." + self.text[start : self.pos]
        if self.pos == start:
            raise self.fail("expected a function name")
        self.skip_ws()
        if self.pos >= len(self.text) or self.text[self.pos] != "(":
            raise self.fail(f"expected '(' after {name}")
        self.pos += 1
        args: list[Node] = []
        self.skip_ws()
        if self.pos < len(self.text) and self.text[self.pos] == ")":
            self.pos += 1
            return Call(name, ())
        while True:
            args.append(self.argument(depth))
            self.skip_ws()
            if self.pos >= len(self.text):
                raise self.fail(f"missing ')' closing {name}")
            char = self.text[self.pos]
            self.pos += 1
            if char == ")":
                return Call(name, tuple(args))
            if char != ",":
                raise self.fail(f"expected ',' or ')' in the arguments of {name}")

    def argument(self, depth: int) -> Node:
        self.skip_ws()
        if self.pos >= len(self.text):
            raise self.fail("missing argument")
        char = self.text[self.pos]
        if char == "'":
            return self.string()
        if char == "$":
            return self.path()
        if char == "S":
            return self.call(depth + 1)
        if char == "-" or char.isdigit():
            return self.number()
        for word, value in (("true", True), ("false", False), ("null", None)):
            if self.text.startswith(word, self.pos):
                end = self.pos + len(word)
                if end == len(self.text) or self.text[end] not in _NAME_CHARS:
                    self.pos = end
                    return Literal(value)
        raise self.fail("invalid argument")

    def string(self) -> Literal:
        text = self.text
        pos = self.pos + 1
        chars: list[str] = []
        parts: list[str] = []
        error: str | None = None
        while True:
            if pos >= len(text):
                raise self.fail("unterminated string literal")
            char = text[pos]
            if char == "'":
                break
            if char == "\\":
                escaped = text[pos + 1 : pos + 2]
                if escaped in _RESERVED:
                    chars.append(escaped)
                    pos += 2
                    continue
                # AWS: "If an open escape backslash is found in the intrinsic invocation string, the
                # interpreter will throw a runtime error."
                error = error or f"open escape backslash at position {pos} in the string literal"
            elif char == "{" and text.startswith("{}", pos):
                parts.append("".join(chars))
                chars.clear()
                pos += 2
                continue
            chars.append(char)
            pos += 1
        self.pos = pos + 1
        parts.append("".join(chars))
        return Literal("{}".join(parts), tuple(parts), error)

    def path(self) -> PathArgument:
        text = self.text
        start = pos = self.pos
        open_brackets: list[str] = []
        quote: str | None = None
        while pos < len(text):
            char = text[pos]
            if quote is not None:
                if char == "\\":
                    pos += 1
                elif char == quote:
                    quote = None
            elif char in "'\"" and open_brackets:
                quote = char
            elif char in "[(":
                open_brackets.append("]" if char == "[" else ")")
            elif char in "])":
                if not open_brackets:
                    break
                if open_brackets.pop() != char:
                    raise self.fail(f"unbalanced brackets in the path '{text[start : pos + 1]}'")
            elif char == "," and not open_brackets:
                break
            pos += 1
        self.pos = pos
        path = text[start:pos].rstrip(_WHITESPACE)
        if quote is not None or open_brackets:
            raise self.fail(f"unbalanced brackets or quotes in the path '{path}'")
        return PathArgument(path)

    def number(self) -> Literal:
        start = pos = self.pos
        while pos < len(self.text) and self.text[pos] in _NUMBER_CHARS:
            pos += 1
        token = self.text[start:pos]
        self.pos = pos
        try:
            if "." in token or "e" in token or "E" in token:
                return Literal(float(token))
            return Literal(int(token))
        except ValueError:
            raise self.fail(f"invalid number '{token}'") from None


def parse_intrinsic(text: str) -> Call:
    """Parse one intrinsic function call; raises DefinitionError naming the problem."""
    return _Parser(text).parse()
