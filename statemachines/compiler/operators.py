"""JavaScript-style operators and dashed node ids rewritten to JSONata the parser accepts.

`===`/`!==`/`==` become `=`/`!=`/`=`, `&&`/`||` become `and`/`or`, a prefix `!x` becomes `$not(x)`,
and a node id containing `-` becomes a backtick name; string literals are left alone. A map from
output offsets to source offsets lets parse errors point into the text the author wrote.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

__all__ = ["TemplateSyntaxError", "fast_prepare", "prepare", "skip_string"]

_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*")
_DASHED_RUN = re.compile(r"(?<![\w.$`-])[A-Za-z_][A-Za-z0-9_]*(?:-[A-Za-z0-9_]+)+")
_NEEDS_REWRITE = re.compile(r"[!&|=\"'`]")


class TemplateSyntaxError(ValueError):
    """A template that is not valid: `offset` is the character offset inside the original string."""

    def __init__(self, message: str, offset: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.offset = offset


def skip_string(text: str, i: int) -> int:
    """Index just after the string literal (or backtick name) starting at `i`."""
    quote = text[i]
    j = i + 1
    while j < len(text):
        ch = text[j]
        if ch == "\\" and quote != "`":
            j += 2
            continue
        if ch == quote:
            return j + 1
        j += 1
    raise TemplateSyntaxError("unterminated string literal", i)


class _Rewriter:
    """Rewrites JS operators and dashed node ids; keeps a map from output to source offsets."""

    def __init__(self, text: str, dashed_ids: frozenset[str]) -> None:
        self.text = text
        self.dashed = dashed_ids
        self.out: list[str] = []
        self.origin: list[int] = []

    def emit(self, piece: str, source: int) -> None:
        self.out.append(piece)
        self.origin.extend([source] * len(piece))

    def run(self, start: int = 0, stop: int | None = None) -> None:
        text = self.text
        end = len(text) if stop is None else stop
        i = start
        while i < end:
            ch = text[i]
            if ch in "\"'`":
                j = skip_string(text, i)
                self.emit(text[i:j], i)
                i = j
            elif text.startswith("===", i) or text.startswith("!==", i):
                self.emit("=" if ch == "=" else "!=", i)
                i += 3
            elif text.startswith("==", i):
                self.emit("=", i)
                i += 2
            elif text.startswith("!=", i):
                self.emit("!=", i)
                i += 2
            elif text.startswith("&&", i) or text.startswith("||", i):
                self.emit(" and " if ch == "&" else " or ", i)
                i += 2
            elif ch == "!":
                i = self._negation(i + 1, end)
            elif ch.isalpha() or ch == "_":
                i = self._identifier(i)
            elif ch == "$":
                m = _IDENT.match(text, i + 1)
                j = i + 1 + (len(m.group(0).split("-")[0]) if m else 0)
                self.emit(text[i:j], i)
                i = j
            else:
                self.emit(ch, i)
                i += 1

    def _identifier(self, i: int) -> int:
        text = self.text
        m = _IDENT.match(text, i)
        assert m is not None
        word = m.group(0)
        prev = text[:i].rstrip()[-1:] if i else ""
        if "-" in word and prev != "." and word in self.dashed:
            self.emit(f"`{word}`", i)
            return m.end()
        plain = word.split("-")[0]
        self.emit(plain, i)
        return i + len(plain)

    def _operand_end(self, i: int, end: int) -> int:
        """End of the operand of a JS `!` starting at `i` (a parenthesised group or a path)."""
        text = self.text
        while i < end and text[i] == "!":
            i += 1
        if i < end and text[i] == "(":
            return self._group_end(i, end)
        while i < end:
            ch = text[i]
            if ch in "\"'`":
                i = skip_string(text, i)
            elif ch in "([":
                i = self._group_end(i, end)
            elif ch.isalnum() or ch in "_$.-":
                if ch == "-" and not (i + 1 < end and (text[i + 1].isalnum() or text[i + 1] == "_")):
                    break
                i += 1
            else:
                break
        return i

    def _group_end(self, i: int, end: int) -> int:
        text = self.text
        close = {"(": ")", "[": "]"}[text[i]]
        depth = 0
        while i < end:
            ch = text[i]
            if ch in "\"'`":
                i = skip_string(text, i)
                continue
            if ch in "([":
                depth += 1
            elif ch in ")]":
                depth -= 1
                if depth == 0:
                    if ch != close:
                        raise TemplateSyntaxError(f"unbalanced '{ch}'", i)
                    return i + 1
            i += 1
        raise TemplateSyntaxError(f"missing '{close}'", i)

    def _negation(self, i: int, end: int) -> int:
        text = self.text
        while i < end and text[i] == " ":
            i += 1
        stop = self._operand_end(i, end)
        if stop == i:
            raise TemplateSyntaxError("'!' without an operand", i)
        self.emit("$not(", i - 1)
        self.run(i, stop)
        self.emit(")", stop)
        return stop


def prepare(text: str, dashed_ids: Iterable[str] = ()) -> tuple[str, list[int]]:
    """Rewrite JS operators and dashed node ids; returns the JSONata text and its source offsets."""
    rewriter = _Rewriter(text, frozenset(dashed_ids))
    rewriter.run()
    return "".join(rewriter.out), rewriter.origin


def fast_prepare(text: str, dashed: frozenset[str]) -> str | None:
    """`prepare` for the common case (no JS operators, no strings): only dashed ids need backticks."""
    if _NEEDS_REWRITE.search(text):
        return None
    if "-" not in text:
        return text
    return _DASHED_RUN.sub(lambda m: f"`{m.group(0)}`" if m.group(0) in dashed else m.group(0), text)
