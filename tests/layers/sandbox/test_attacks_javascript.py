"""Attacks in JavaScript through the public API: each ends as one exact outcome class and leaks nothing."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from deca.sandbox import CodeError, CodeOutputTooLarge, CodeResourceLimit, CodeSandboxViolation, CodeTimeout

Run = Callable[..., object]

DYNAMIC_CODE = {
    "constructor_constructor": "function main(input) { return this.constructor.constructor('return process')(); }",
    "constructor_constructor_template_literal": (
        "function main(input) { return ({}).constructor.constructor`return process`(); }"
    ),
    "arrow_function_constructor": "const main = (input) => (() => 1).constructor('return globalThis')();",
    "async_function_constructor": (
        "function main(input) { return (async function () {}).constructor('return process')(); }"
    ),
    "generator_function_constructor": "function main(input) { return (function* () {}).constructor('yield 1')(); }",
    "eval": "function main(input) { return eval('1 + 1'); }",
    "indirect_eval": "function main(input) { return (0, globalThis['ev' + 'al'])('1'); }",
    "function_global": "function main(input) { return Function('return 1')(); }",
    "reflect_construct": "function main(input) { return Reflect.construct(Function, ['return 1'])(); }",
    "violation_caught_by_code": (
        "function main(input) { try { eval('1'); } catch (e) { return 'hidden'; } return 'x'; }"
    ),
}


@pytest.mark.parametrize("source", DYNAMIC_CODE.values(), ids=DYNAMIC_CODE.keys())
def test_js_dynamic_code_is_a_sandbox_violation(run: Run, no_leak: Callable[..., None], source: str) -> None:
    with pytest.raises(CodeSandboxViolation) as caught:
        run("javascript", source, {"probe": 1}, timeout=2)
    no_leak(str(caught.value), caught.value.logs)


HOST_APIS = {
    "process_env": "function main(input) { return process.env; }",
    "require_child_process": "function main(input) { return require('child_process').execSync('id'); }",
    "fetch_loopback": "async function main(input) { return await fetch('http://127.0.0.1:8080/'); }",
    "fetch_metadata_service": "async function main(input) { return await fetch('http://169.254.169.254/latest/'); }",
    "xml_http_request": "function main(input) { return new XMLHttpRequest(); }",
    "quickjs_std_module": "function main(input) { return std.getenv('AWS_SECRET_ACCESS_KEY'); }",
    "quickjs_os_module": "function main(input) { return os.exec(['id']); }",
}


@pytest.mark.parametrize("source", HOST_APIS.values(), ids=HOST_APIS.keys())
def test_js_host_apis_do_not_exist(run: Run, no_leak: Callable[..., None], source: str) -> None:
    with pytest.raises(CodeError) as caught:
        run("javascript", source, timeout=2)
    assert caught.value.exc_type == "ReferenceError"
    no_leak(str(caught.value), caught.value.logs)


def test_js_dynamic_import_is_refused(run: Run) -> None:
    with pytest.raises(CodeError) as caught:
        run("javascript", "async function main(input) { const os = await import('os'); return os.getpid(); }")
    assert "os" in caught.value.error_message


def test_js_prototype_pollution_stays_in_its_run(run: Run, no_leak: Callable[..., None]) -> None:
    # Given a run that pollutes every prototype it can reach and returns a __proto__ key
    polluting = """
    function main(input) {
      Object.prototype.polluted = 'yes';
      Array.prototype.map = function () { return ['hijacked']; };
      JSON.stringify = function () { return '{"forged": true}'; };
      input.__proto__.admin = true;
      return JSON.parse('{"__proto__": {"admin": true}, "ok": 1}');
    }
    """
    result = run("javascript", polluting, {"user": "a"})
    # Then the host receives plain data (no forged serialisation, no prototype effect on dicts)
    assert result.result == {"__proto__": {"admin": True}, "ok": 1}
    assert type(result.result) is dict
    assert not hasattr(result.result, "admin")
    # And the next run starts from clean built-ins
    clean = run("javascript", "function main(input) { return [({}).polluted, [1, 2].map(x => x * 2)]; }")
    assert clean.result == [None, [2, 4]]
    no_leak(result.result, clean.result)


def test_js_cannot_overwrite_the_runner_entry_points(run: Run) -> None:
    source = "'use strict';\nfunction main(input) { __deca = null; return 1; }"
    with pytest.raises(CodeError) as caught:
        run("javascript", source)
    assert caught.value.exc_type == "TypeError"


def test_js_infinite_loop_is_a_timeout(run: Run, no_leak: Callable[..., None]) -> None:
    with pytest.raises(CodeTimeout) as caught:
        run("javascript", "function main(input) { console.log('spinning'); while (true) {} }", timeout=1)
    no_leak(str(caught.value), caught.value.logs)


def test_js_memory_bomb_is_a_resource_limit(run: Run) -> None:
    source = "function main(input) { const a = []; while (true) { a.push('x'.repeat(1 << 20) + a.length); } }"
    with pytest.raises(CodeResourceLimit) as caught:
        run("javascript", source, memory_mb=128, timeout=5)
    assert caught.value.resource == "memory"


def test_js_huge_result_is_output_too_large(run: Run) -> None:
    with pytest.raises(CodeOutputTooLarge):
        run("javascript", "function main(input) { return 'x'.repeat(2 * 1024 * 1024); }")


def test_js_log_flood_is_capped(run: Run) -> None:
    result = run(
        "javascript",
        "function main(input) { for (let i = 0; i < 5000; i++) console.log('y'.repeat(1000)); return 1; }",
    )
    assert result.result == 1
    assert result.logs.endswith("[logs truncated]")
    assert len(result.logs) < 4096 + 100


def test_js_deep_recursion_is_a_code_error(run: Run) -> None:
    with pytest.raises(CodeError):
        run("javascript", "function f(n) { return f(n + 1) + 1; }\nfunction main(input) { return f(0); }")


def test_js_promise_that_never_settles_is_a_code_error(run: Run) -> None:
    with pytest.raises(CodeError) as caught:
        run("javascript", "function main(input) { return new Promise(() => {}); }")
    assert "never settled" in caught.value.error_message
