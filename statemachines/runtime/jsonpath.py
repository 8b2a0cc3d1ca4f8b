"""Compiled JSONPath as Amazon States Language uses it (Jayway semantics), with ResultPath merging.

A path is rooted at the state input (`$`), the context object (`$$`) or a variable (`$name`).
Definite paths (keys and indexes only) return one value; indefinite ones (wildcards, slices,
filters, `..`) return a list. Compiled paths are cached: compile each path text once.
"""

from __future__ import annotations

import re
from typing import Any

from statemachines.runtime.errors import PathNotFound

__all__ = ["ROOT_CONTEXT", "ROOT_INPUT", "ROOT_VARIABLE", "JsonPath", "compile_path", "is_path", "set_path"]

ROOT_INPUT = 0
ROOT_CONTEXT = 1
ROOT_VARIABLE = 2

_KEY, _INDEX, _SLICE, _WILD, _FILTER, _DEEP = range(6)

Step = tuple[int, Any]
_cache: dict[str, JsonPath] = {}
_IDENT_RE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_DOT_KEY_RE = re.compile(r"[^.\[\]\s]+")


class JsonPath:
    """One compiled path: `get(data, context, variables)` returns the selected value."""

    __slots__ = ("definite", "root", "steps", "text", "variable")

    def __init__(self, text: str, root: int, variable: str | None, steps: list[Step]) -> None:
        self.text = text
        self.root = root
        self.variable = variable
        self.steps = steps
        self.definite = all(kind in (_KEY, _INDEX) for kind, _ in steps)

    def get(self, data: Any) -> Any:
        """Select from `data` (the document the path's root designates); raises PathNotFound."""
        if self.definite:
            cur = data
            steps = self.steps
            for i, (kind, arg) in enumerate(steps):
                if kind == _KEY:
                    if type(cur) is dict and arg in cur:
                        cur = cur[arg]
                        continue
                elif type(cur) is list:
                    n = len(cur)
                    if -n <= arg < n:
                        cur = cur[arg]
                        continue
                raise self._missing(i)
            return cur
        out: list[Any] = []
        _walk(data, self.steps, 0, out)
        return out

    def _missing(self, index: int) -> PathNotFound:
        if index == len(self.steps) - 1:
            message = f"No results for path: {self.normalized(index + 1)}"
        else:
            message = f"Missing property in path {self.normalized(index + 1)}"
        return PathNotFound(self.text, message)

    def normalized(self, count: int | None = None) -> str:
        """Jayway's normalized form of the first `count` steps, e.g. `$['a'][0]`."""
        parts = ["$"]
        for kind, arg in self.steps[:count]:
            if kind == _KEY:
                parts.append(f"['{arg}']")
            elif kind == _INDEX:
                parts.append(f"[{arg}]")
            else:
                parts.append("[*]")
        return "".join(parts)


def _walk(cur: Any, steps: list[Step], i: int, out: list[Any]) -> None:
    if i == len(steps):
        out.append(cur)
        return
    kind, arg = steps[i]
    nxt = i + 1
    if kind == _KEY:
        if type(cur) is dict and arg in cur:
            _walk(cur[arg], steps, nxt, out)
    elif kind == _INDEX:
        if type(cur) is list and -len(cur) <= arg < len(cur):
            _walk(cur[arg], steps, nxt, out)
    elif kind == _WILD:
        if type(cur) is dict:
            for v in cur.values():
                _walk(v, steps, nxt, out)
        elif type(cur) is list:
            for v in cur:
                _walk(v, steps, nxt, out)
    elif kind == _SLICE:
        if type(cur) is list:
            for v in cur[arg]:
                _walk(v, steps, nxt, out)
    elif kind == _FILTER:
        items = cur if type(cur) is list else list(cur.values()) if type(cur) is dict else []
        for v in items:
            if arg(v):
                _walk(v, steps, nxt, out)
    elif kind == _DEEP:
        _deep(cur, arg, steps, nxt, out)


def _deep(cur: Any, sub: Step, steps: list[Step], nxt: int, out: list[Any]) -> None:
    # `..sub`: apply `sub` at this node and at every descendant, in document order
    matches: list[Any] = []
    _walk(cur, [sub], 0, matches)
    for m in matches:
        _walk(m, steps, nxt, out)
    children = cur.values() if type(cur) is dict else cur if type(cur) is list else ()
    for child in children:
        _deep(child, sub, steps, nxt, out)


def is_path(text: Any) -> bool:
    """True when `text` looks like a path (`$`, `$.x`, `$$...`, `$var...`)."""
    return isinstance(text, str) and text.startswith("$")


def compile_path(text: str) -> JsonPath:
    """Compile (once, cached) a JSONPath; raises ValueError with a reason when it is malformed."""
    compiled = _cache.get(text)
    if compiled is None:
        compiled = _parse(text)
        _cache[text] = compiled
    return compiled


def _parse(text: str) -> JsonPath:
    s = text.strip()
    if not s.startswith("$"):
        raise ValueError(f"path must start with '$': {text}")
    variable: str | None = None
    if s.startswith("$$"):
        root, pos = ROOT_CONTEXT, 2
    else:
        m = _IDENT_RE.match(s, 1)
        if m:
            root, variable, pos = ROOT_VARIABLE, m.group(0), m.end()
        else:
            root, pos = ROOT_INPUT, 1
    steps: list[Step] = []
    n = len(s)
    while pos < n:
        c = s[pos]
        if s.startswith("..", pos):
            pos += 2
            if pos < n and s[pos] == "[":
                sub, pos = _parse_bracket(s, pos, text)
            elif pos < n and s[pos] == "*":
                sub, pos = (_WILD, None), pos + 1
            else:
                m = _DOT_KEY_RE.match(s, pos)
                if not m:
                    raise ValueError(f"invalid path: {text}")
                sub, pos = (_KEY, m.group(0)), m.end()
            steps.append((_DEEP, sub))
        elif c == ".":
            pos += 1
            if pos < n and s[pos] == "*":
                steps.append((_WILD, None))
                pos += 1
            else:
                m = _DOT_KEY_RE.match(s, pos)
                if not m:
                    raise ValueError(f"invalid path: {text}")
                steps.append((_KEY, m.group(0)))
                pos = m.end()
        elif c == "[":
            step, pos = _parse_bracket(s, pos, text)
            steps.append(step)
        else:
            raise ValueError(f"invalid path: {text}")
    return JsonPath(text, root, variable, steps)


def _parse_bracket(s: str, pos: int, text: str) -> tuple[Step, int]:
    end = _matching_bracket(s, pos, text)
    inner = s[pos + 1 : end].strip()
    pos = end + 1
    if inner == "*":
        return (_WILD, None), pos
    if inner[:1] in ("'", '"'):
        if len(inner) < 2 or inner[-1] != inner[0]:
            raise ValueError(f"invalid path: {text}")
        return (_KEY, inner[1:-1]), pos
    if inner.startswith("?"):
        expr = inner[1:].strip()
        if expr.startswith("(") and expr.endswith(")"):
            expr = expr[1:-1]
        from statemachines.runtime.jsonpath_filter import compile_filter

        return (_FILTER, compile_filter(expr, text)), pos
    if ":" in inner:
        parts = [p.strip() for p in inner.split(":")]
        if len(parts) > 3:
            raise ValueError(f"invalid slice: {text}")
        nums = [int(p) if p else None for p in parts]
        while len(nums) < 3:
            nums.append(None)
        return (_SLICE, slice(nums[0], nums[1], nums[2])), pos
    try:
        return (_INDEX, int(inner)), pos
    except ValueError:
        raise ValueError(f"invalid path: {text}") from None


def _matching_bracket(s: str, pos: int, text: str) -> int:
    depth = 0
    quote: str | None = None
    i = pos
    while i < len(s):
        c = s[i]
        if quote:
            # Jayway ends a quoted key at the closing quote followed by ']'
            if c == quote and (s[i + 1 : i + 2] in ("]", ",", " ", ")") or i + 1 == len(s)):
                quote = None
        elif c in ("'", '"'):
            quote = c
        elif c == "[":
            depth += 1
        elif c == "]":
            depth -= 1
            if depth == 0:
                return i
        i += 1
    raise ValueError(f"unbalanced brackets in path: {text}")


# ---- ResultPath ------------------------------------------------------------------------------------


def set_path(doc: Any, path: JsonPath, value: Any) -> Any:
    """Return a copy of `doc` with `value` placed at the definite `path` (ResultPath semantics).

    Containers along the path are copied, never mutated; missing objects are created.
    """
    steps = path.steps
    if not steps:
        return value
    if not path.definite or path.root != ROOT_INPUT:
        raise ValueError(f"ResultPath must be a definite reference path: {path.text}")
    return _set(doc, steps, 0, value)


def _set(cur: Any, steps: list[Step], i: int, value: Any) -> Any:
    kind, arg = steps[i]
    last = i == len(steps) - 1
    if kind == _KEY:
        new = dict(cur) if type(cur) is dict else {}
        new[arg] = value if last else _set(new.get(arg), steps, i + 1, value)
        return new
    if type(cur) is not list or not -len(cur) <= arg < len(cur):
        raise IndexError(arg)
    new_list = list(cur)
    new_list[arg] = value if last else _set(new_list[arg], steps, i + 1, value)
    return new_list
