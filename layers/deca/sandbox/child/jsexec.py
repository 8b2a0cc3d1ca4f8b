"""Runs JavaScript in QuickJS: no Node or host APIs, no dynamic code, memory and time limits."""

from __future__ import annotations

import _imp
import types

from deca.sandbox.child.outcome import code_error, failure, output_json, violation
from deca.sandbox.child.protocol import KIND_RESOURCE_LIMIT, KIND_TIMEOUT

# The child starts per run: no typing import at run time (mypy still sees these).
TYPE_CHECKING = False
if TYPE_CHECKING:
    from types import ModuleType
    from typing import Any, Final

    from deca.sandbox.child.outcome import Outcome

__all__ = ["PRELUDE", "load_engine", "run_javascript"]

# Runs before the user's source. It keeps private copies of JSON.parse/stringify, makes every
# Function constructor (reachable as `x.constructor.constructor`, with or without a template
# literal) and `eval` throw a SandboxViolation, provides a capped `console` and the entry points
# the child calls. Nothing of the host is exposed: values cross as JSON text only.
PRELUDE: Final = r"""
(function () {
  "use strict";
  const G = globalThis, stringify = JSON.stringify, parse = JSON.parse, freeze = Object.freeze;
  const define = (o, k, v) => Object.defineProperty(o, k, {value: v, writable: false, configurable: false});
  class SandboxViolation extends Error {}
  define(SandboxViolation.prototype, "name", "SandboxViolation");
  let violated = null;
  const deny = function () {
    violated = violated || "dynamic code evaluation is not allowed";
    throw new SandboxViolation(violated);
  };
  for (const f of [function () {}, async function () {}, function* () {}, async function* () {}]) {
    define(Object.getPrototypeOf(f), "constructor", deny);
  }
  define(G, "eval", deny);
  define(G, "Function", deny);
  const cap = __LOG_CAP__, logs = [];
  let size = 0, truncated = false;
  const show = (v) => { if (typeof v === "string") return v; try { return stringify(v); } catch (e) { return String(v); } };
  const write = (...args) => {
    const line = args.map(show).join(" ") + "\n";
    if (size + line.length > cap) { truncated = true; logs.push(line.slice(0, Math.max(0, cap - size))); size = cap; }
    else { logs.push(line); size += line.length; }
  };
  define(G, "console", freeze({log: write, info: write, warn: write, error: write, debug: write}));
  const module = {exports: {}};
  G.module = module;
  G.exports = module.exports;
  let state = null;
  define(G, "__deca", freeze({
    start(main, inputJson) {
      if (typeof main !== "function") {
        const e = module.exports;
        main = typeof e === "function" ? e : (e && typeof e.main === "function" ? e.main : undefined);
      }
      if (typeof main !== "function") throw new TypeError("the source must define a function main(input)");
      const out = main(parse(inputJson));
      if (out && typeof out.then === "function") {
        state = {pending: true};
        out.then((v) => { state = {value: v}; }, (e) => { state = {error: e}; });
      } else {
        state = {value: out};
      }
    },
    finish() {
      if (violated) throw new SandboxViolation(violated);
      if (state === null || state.pending) throw new Error("the promise returned by main never settled");
      if ("error" in state) throw state.error;
      const text = stringify(state.value === undefined ? null : state.value);
      return text === undefined ? "null" : text;
    },
    violation() { return violated; },
    logs() { return logs.join("") + (truncated ? "\n[logs truncated]" : ""); },
  }));
})();
"""

_START: Final = "__deca.start(typeof main === 'function' ? main : undefined, __deca_input)"
_MAX_STACK_BYTES: Final = 1024 * 1024


_ENGINES: dict[str, ModuleType] = {}


def load_engine(path: str) -> ModuleType:
    """The engine's extension module, loaded once (a zygote loads it before it forks any run)."""
    module = _ENGINES.get(path)
    if module is None:
        # What importlib's ExtensionFileLoader does, without importing importlib (start-up time) and
        # without listing the engine's folder (Landlock only lets the child read the file itself).
        spec = types.SimpleNamespace(name="_quickjs", origin=path)
        module = _imp.create_dynamic(spec)  # type: ignore[arg-type]  # any object with name, origin
        _imp.exec_dynamic(module)
        _ENGINES[path] = module
    return module


def _first_line(stack: str) -> int | None:
    """The line of the innermost frame in a QuickJS stack (`    at f (<input>:12)`)."""
    marker = "(<input>:"
    start = stack.find(marker)
    if start < 0:
        return None
    digits = stack[start + len(marker) :].split(")", 1)[0].split(":", 1)[0]
    return int(digits) if digits.isdigit() else None


def run_javascript(
    source: str,
    input_json: str,
    *,
    engine_path: str,
    timeout: float,
    memory_bytes: int,
    max_output_bytes: int,
    max_log_bytes: int,
) -> Outcome:
    """Evaluate `source`, call its `main(input)` (awaiting a returned promise) and return the outcome."""
    engine = load_engine(engine_path)
    context = engine.Context()
    context.set_memory_limit(memory_bytes)
    context.set_max_stack_size(_MAX_STACK_BYTES)
    context.eval(PRELUDE.replace("__LOG_CAP__", str(max_log_bytes)))
    context.set_time_limit(timeout)  # after the prelude: however short, it interrupts user code only
    try:
        context.eval(source)
        context.set("__deca_input", input_json)
        context.eval(_START)
        while context.execute_pending_job():
            pass
        text = context.eval("__deca.finish()")
    except engine.JSException as exc:
        return _failure(str(exc), _logs(context, engine), _violation(context, engine))
    logs = _logs(context, engine)
    if not isinstance(text, str):
        return code_error("TypeError", "main returned a value that is not JSON", None, logs)
    return output_json(text, logs, max_output_bytes)


def _logs(context: Any, engine: ModuleType) -> str:
    try:
        return str(context.eval("__deca.logs()"))
    except (engine.JSException, MemoryError):
        return ""


def _violation(context: Any, engine: ModuleType) -> str | None:
    try:
        found = context.eval("__deca.violation()")
    except (engine.JSException, MemoryError):
        return None
    return found if isinstance(found, str) else None


def _failure(text: str, logs: str, violated: str | None) -> Outcome:
    head, _, stack = text.partition("\n")
    name, sep, message = head.partition(": ")
    if not sep:
        name, message = "Error", head
    line = _first_line(stack)
    if violated is not None:
        return violation(violated, line, logs)
    if name == "InternalError" and message.startswith("interrupted"):
        return failure(KIND_TIMEOUT, "the code ran out of time", logs)
    if message.startswith("out of memory"):
        return failure(KIND_RESOURCE_LIMIT, "the code ran out of memory", logs, resource="memory")
    return code_error(name, message, line, logs)
