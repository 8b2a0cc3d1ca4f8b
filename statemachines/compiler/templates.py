"""Templates (`{{ expr }}`) to JSONata: splitting, JS-operator rewriting, parsing and root references.

A template expression is JSONata over the roots `input`, `<node-id>`, `vars`, `execution`, `item`,
`index` and `error`. This module turns the text into JSONata the jsonata-python parser accepts (node
ids with `-` become backtick names, `===`/`!==`/`&&`/`||`/`!` become `=`/`!=`/`and`/`or`/`$not()`),
parses it once per distinct text (cached), and lists every root reference with its offsets and the
field path that follows it, so the compiler can check it and later splice in variable names.
"""

from __future__ import annotations

import functools
import json
import re
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from jsonata import parser as jsonata_parser
from jsonata.jexception import JException

from statemachines.compiler.operators import TemplateSyntaxError, fast_prepare, prepare, skip_string

__all__ = [
    "Expr",
    "RootRef",
    "Template",
    "TemplateSyntaxError",
    "analyse",
    "parse_condition",
    "parse_string",
    "prepare",
    "split_template",
]

_SIMPLE_TEMPLATE = re.compile(r"\{\{(.*?)\}\}", re.DOTALL)
_PARSER_LOCK = threading.Lock()
_SKIPPED_ATTRS = frozenset({"_outer_instance", "_jsonata_lambda", "value", "type", "position", "id"})


@dataclass(frozen=True)
class RootRef:
    """A root name used by an expression: `text[start:end]` is the name (maybe backticked)."""

    start: int
    end: int
    root: str
    fields: tuple[str, ...]


@dataclass(frozen=True)
class Expr:
    """A parsed JSONata expression (roots still as written) and its root references."""

    text: str
    refs: tuple[RootRef, ...]

    def render(self, resolve: Callable[[RootRef], str]) -> str:
        """The JSONata text with every root reference replaced by `resolve(ref)`."""
        if not self.refs:
            return self.text
        out: list[str] = []
        last = 0
        for ref in self.refs:
            out.append(self.text[last : ref.start])
            out.append(resolve(ref))
            last = ref.end
        out.append(self.text[last:])
        return "".join(out)


@dataclass(frozen=True)
class Template:
    """A string with templates: literal text parts and expressions; `single` keeps the value's type."""

    parts: tuple[str | Expr, ...]

    @property
    def single(self) -> bool:
        """True when the string is exactly one template (its value keeps its JSON type)."""
        return len(self.parts) == 1 and isinstance(self.parts[0], Expr)

    @property
    def exprs(self) -> tuple[Expr, ...]:
        """The expressions of the template, in order."""
        return tuple(p for p in self.parts if isinstance(p, Expr))

    def render(self, resolve: Callable[[RootRef], str]) -> str:
        """One JSONata expression giving the value (typed when single, else a string)."""
        if self.single:
            expr = self.parts[0]
            assert isinstance(expr, Expr)
            return expr.render(resolve)
        pieces = [
            json.dumps(p, ensure_ascii=False) if isinstance(p, str) else f"({p.render(resolve)})"
            for p in self.parts
        ]
        return " & ".join(pieces)


def _split_simple(text: str) -> list[tuple[str, int, bool]] | None:
    """Fast split when the only braces are the template markers and there are no quotes."""
    opens = text.count("{{")
    if (
        text.count("{") != 2 * opens
        or text.count("}") != 2 * opens
        or "{{{" in text
        or "}}}" in text
        or any(q in text for q in "\"'`")
    ):
        return None
    parts: list[tuple[str, int, bool]] = []
    last = 0
    for match in _SIMPLE_TEMPLATE.finditer(text):
        if match.start() > last:
            parts.append((text[last : match.start()], last, False))
        if not match.group(1).strip() or "{{" in match.group(1):
            return None
        parts.append((match.group(1), match.start(1), True))
        last = match.end()
    if (last != len(text) and "}}" in text[last:]) or (not parts and opens):
        return None
    if last < len(text):
        parts.append((text[last:], last, False))
    return parts


def split_template(text: str) -> list[tuple[str, int, bool]]:
    """Split a string into (piece, offset, is_expression) parts on `{{ ... }}` (nesting-aware)."""
    simple = _split_simple(text)
    if simple is not None:
        return simple
    parts: list[tuple[str, int, bool]] = []
    i = 0
    literal_start = 0
    n = len(text)
    while i < n:
        if text.startswith("{{", i):
            if i > literal_start:
                parts.append((text[literal_start:i], literal_start, False))
            j = i + 2
            depth = 0
            while True:
                if j >= n:
                    raise TemplateSyntaxError("'{{' without a closing '}}'", i)
                ch = text[j]
                if ch in "\"'`":
                    j = skip_string(text, j)
                    continue
                if ch == "}" and depth == 0 and text.startswith("}}", j):
                    break
                if ch == "{":
                    depth += 1
                elif ch == "}":
                    depth -= 1
                j += 1
            body = text[i + 2 : j]
            if not body.strip():
                raise TemplateSyntaxError("empty template '{{ }}'", i)
            parts.append((body, i + 2, True))
            i = j + 2
            literal_start = i
            continue
        if text.startswith("}}", i):
            raise TemplateSyntaxError("'}}' without an opening '{{'", i)
        i += 1
    if literal_start < n:
        parts.append((text[literal_start:], literal_start, False))
    return parts


def _parse(text: str) -> Any:
    with _PARSER_LOCK:
        return _parser().parse(text)


@functools.cache
def _parser() -> Any:
    return jsonata_parser.Parser()


def _children(sym: Any) -> Iterable[Any]:
    for attr, value in vars(sym).items():
        if attr in _SKIPPED_ATTRS or value is None or isinstance(value, (str, int, float, bool)):
            continue
        yield value


def _flatten(value: Any) -> Iterable[Any]:
    if isinstance(value, (list, tuple)):
        for item in value:
            yield from _flatten(item)
    elif isinstance(value, jsonata_parser.Parser.Symbol):
        yield value


def _name_start(text: str, step: Any) -> int:
    end = int(step.position)
    if end > 0 and text[end - 1] == "`":
        return end - len(step.value) - 2
    return end - len(step.value)


def _collect(text: str, sym: Any, root_ctx: bool, refs: list[RootRef]) -> None:
    """Record the root references of `sym`; `root_ctx` is False inside relative contexts."""
    if sym.type == "path" and sym.steps:
        first = sym.steps[0]
        if root_ctx and first.type == "name":
            fields: list[str] = []
            for step in sym.steps[1:]:
                if step.type != "name":
                    break
                fields.append(str(step.value))
            refs.append(
                RootRef(_name_start(text, first), int(first.position), str(first.value), tuple(fields))
            )
            for child in _children(first):  # predicates of the first step are relative
                for node in _flatten(child):
                    _collect(text, node, False, refs)
        else:
            _collect(text, first, root_ctx, refs)
        for step in sym.steps[1:]:
            _collect(text, step, False, refs)
        for node in _flatten(getattr(sym, "group", None)):
            _collect(text, node, False, refs)
        return
    if sym.type == "name":
        if root_ctx:
            refs.append(RootRef(_name_start(text, sym), int(sym.position), str(sym.value), ()))
        for child in _children(sym):
            for node in _flatten(child):
                _collect(text, node, False, refs)
        return
    for child in _children(sym):
        for node in _flatten(child):
            _collect(text, node, root_ctx, refs)


FORBIDDEN_VARIABLES: dict[str, str] = {
    "eval": "`$eval` would evaluate data (a webhook body, say) as an expression",
    "states": "`$states` is the runtime's own context: use input, execution, vars and node outputs",
}
"""JSONata variables an author's template may not name: data is never code, and the roots are documented."""


def _refuse_forbidden_variables(sym: Any) -> None:
    if sym.type == "variable" and str(sym.value) in FORBIDDEN_VARIABLES:
        raise TemplateSyntaxError(
            FORBIDDEN_VARIABLES[str(sym.value)], int(sym.position) - len(str(sym.value)) - 1
        )
    for child in _children(sym):
        for node in _flatten(child):
            _refuse_forbidden_variables(node)


@functools.lru_cache(maxsize=65536)
def analyse(text: str) -> Expr:
    """Parse JSONata text (cached per distinct text) and list its root references, in order."""
    try:
        ast = _parse(text)
    except JException as exc:
        location = getattr(exc, "location", None)
        raise TemplateSyntaxError(
            _jsonata_message(exc), location if isinstance(location, int) else None
        ) from exc
    except (RecursionError, TypeError, ValueError, AttributeError, IndexError) as exc:
        raise TemplateSyntaxError(f"not a valid JSONata expression ({exc})") from exc
    _refuse_forbidden_variables(ast)
    refs: list[RootRef] = []
    _collect(text, ast, True, refs)
    refs.sort(key=lambda r: r.start)
    return Expr(text, tuple(refs))


def _jsonata_message(exc: JException) -> str:
    message = str(exc).strip() or "syntax error"
    return message.rstrip(".")


def _expression(body: str, offset: int, dashed: frozenset[str]) -> Expr:
    stripped = body.lstrip()
    offset += len(body) - len(stripped)
    stripped = stripped.rstrip()
    fast = fast_prepare(stripped, dashed)
    if fast is not None:
        try:
            return analyse(fast)
        except TemplateSyntaxError:
            pass  # redo on the slow path, which maps the error offset back to the source
    text, origin = prepare(stripped, dashed)
    try:
        return analyse(text)
    except TemplateSyntaxError as exc:
        where = None
        if exc.offset is not None:
            where = offset + (origin[min(exc.offset, len(origin) - 1)] if origin else 0)
        raise TemplateSyntaxError(exc.message, where) from exc


def parse_string(text: str, dashed_ids: frozenset[str]) -> Template | None:
    """Parse a config string: None when it has no template, else its literal parts and expressions."""
    if "{{" not in text and "}}" not in text:
        return None
    parts: list[str | Expr] = []
    for piece, offset, is_expr in split_template(text):
        parts.append(_expression(piece, offset, dashed_ids) if is_expr else piece)
    return Template(tuple(parts))


def parse_condition(text: str, dashed_ids: frozenset[str]) -> Expr:
    """Parse a boolean condition: templates become parenthesised expressions, the rest is JSONata."""
    parts = split_template(text)
    expressions = [piece for piece, _offset, is_expr in parts if is_expr]
    if len(expressions) == 1 and all(is_expr or not piece.strip() for piece, _offset, is_expr in parts):
        code = expressions[0].strip()  # exactly one template: no extra parentheses
    else:
        code = "".join(f"({piece.strip()})" if is_expr else piece for piece, _offset, is_expr in parts)
    if not code.strip():
        raise TemplateSyntaxError("empty condition", 0)
    return _expression(code, 0, dashed_ids)
