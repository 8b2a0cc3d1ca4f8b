"""Attacks in Python through the public API: each ends as one exact outcome class and leaks nothing."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from deca.sandbox import (
    CodeError,
    CodeOutputTooLarge,
    CodeResourceLimit,
    CodeRunError,
    CodeSandboxViolation,
    CodeTimeout,
)

# Each case is a whole source defining main(input); all of them must end as a sandbox violation.
VIOLATIONS = {
    "import_os": "import os\ndef main(input):\n    return os.environ",
    "import_subprocess": "import subprocess\ndef main(input):\n    return subprocess.run(['id'])",
    "import_socket": "import socket\ndef main(input):\n    socket.create_connection(('127.0.0.1', 80))",
    "metadata_service_via_urllib": (
        "import urllib.request\ndef main(input):\n"
        "    return urllib.request.urlopen('http://169.254.169.254/latest/meta-data/').read()"
    ),
    "dunder_import": "def main(input):\n    return __import__('os').environ",
    "subclasses_walk": "def main(input):\n    return [c.__name__ for c in ().__class__.__base__.__subclasses__()]",
    "getattr_dunder_by_string": "def main(input):\n    return getattr((), '__cl' + 'ass__')",
    "getattr_globals_of_function": "def main(input):\n    return getattr(main, '__glo' + 'bals__')",
    "format_string_attribute_walk": "def main(input):\n    return '{0.__globals__}'.format(main)",
    "format_string_from_variable": "def main(input):\n    f = '{0.__glo' + 'bals__}'\n    return f.format(main)",
    "fstring_dunder": "def main(input):\n    return f'{main.__globals__}'",
    "traceback_frame": (
        "def main(input):\n    try:\n        1 / 0\n    except ZeroDivisionError as e:\n"
        "        return e.__traceback__.tb_frame.f_globals"
    ),
    "generator_frame": "def main(input):\n    g = (i for i in [1])\n    return g.gi_frame.f_back.f_globals",
    "generator_frame_by_getattr": "def main(input):\n    g = (i for i in [1])\n    return getattr(g, 'gi_' + 'frame')",
    "coroutine_frame": "async def c():\n    pass\ndef main(input):\n    return getattr(c(), 'cr_frame')",
    "eval": "def main(input):\n    return eval('1 + 1')",
    "exec": "def main(input):\n    exec('x = 1')",
    "compile": "def main(input):\n    return compile('1', '<x>', 'eval')",
    "open_proc_environ": "def main(input):\n    return open('/proc/self/environ').read()",
    "module_internals_of_allowed_module": "import random\ndef main(input):\n    return random._os.environ",
    "module_reference_of_allowed_module": "import datetime\ndef main(input):\n    return datetime.sys.modules",
    "attrgetter_walk": "import operator\ndef main(input):\n    return operator.attrgetter('__class__')(1)",
    "string_formatter_walk": "from string import Formatter\ndef main(input):\n    return Formatter().format('{0.__class__}', 1)",
    "string_annotation_smuggling": (
        "import functools\n@functools.singledispatch\ndef f(x):\n    pass\n"
        'def main(input):\n    @f.register\n    def _(x: "().__class__.__base__.__subclasses__()"):\n        pass'
    ),
    "match_class_attribute": "def main(input):\n    match main:\n        case object(__globals__=g):\n            return g",
    "match_args_attribute_walk": (
        "import json\nfrom collections.abc import Callable\n"
        "X = type('X', (Callable,), {'__match_args__': ('__globals__',), "
        "'__subclasshook__': classmethod(lambda cls, c: True)})\n"
        "def main(input):\n    match json.dumps:\n        case X(g):\n            return g['__builtins__']"
    ),
    "update_wrapper_attribute_walk": (
        "import functools, json\nbox = []\nclass W:\n    def __setattr__(self, name, value):\n"
        "        box.append(value)\n"
        "def main(input):\n    functools.update_wrapper(W(), json.dumps, assigned=('__globals__',), updated=())\n"
        "    return box[0]['__builtins__']"
    ),
    "fork_bomb": "import os\ndef main(input):\n    while True:\n        os.fork()",
    "background_process": "import subprocess\ndef main(input):\n    subprocess.Popen(['sleep', '60'])",
    "write_file_for_next_run": "def main(input):\n    open('/tmp/deca-left-behind', 'w').write('x')",
    "violation_caught_by_code": (
        "def main(input):\n    try:\n        __import__('os')\n    except BaseException:\n        pass\n    return 1"
    ),
    "runtime_violation_caught_by_code": (
        "def main(input):\n    try:\n        getattr(main, '__globals__')\n    except BaseException:\n        return 'hidden'"
    ),
}


@pytest.mark.parametrize("source", VIOLATIONS.values(), ids=VIOLATIONS.keys())
def test_python_attack_is_a_sandbox_violation(
    run: Callable[..., object], no_leak: Callable[..., None], source: str
) -> None:
    # Given an attack; When it runs; Then it is stopped as a violation and nothing leaks
    with pytest.raises(CodeSandboxViolation) as caught:
        run("python", source, {"probe": 1}, timeout=2)
    no_leak(str(caught.value), caught.value.logs)


def test_infinite_loop_is_a_timeout(run: Callable[..., object], no_leak: Callable[..., None]) -> None:
    with pytest.raises(CodeTimeout) as caught:
        run("python", "def main(input):\n    print('spinning')\n    while True:\n        pass", timeout=1)
    no_leak(str(caught.value), caught.value.logs)


def test_sleeping_past_the_timeout_is_a_timeout(run: Callable[..., object]) -> None:
    with pytest.raises(CodeTimeout):
        run("python", "import time\ndef main(input):\n    time.sleep(30)", timeout=1)


def test_memory_bomb_is_a_resource_limit(run: Callable[..., object], no_leak: Callable[..., None]) -> None:
    with pytest.raises(CodeResourceLimit) as caught:
        run("python", "def main(input):\n    return len([0] * 10**9)", memory_mb=128, timeout=2)
    assert caught.value.resource == "memory"
    no_leak(str(caught.value), caught.value.logs)


def test_growing_string_is_a_resource_limit(run: Callable[..., object]) -> None:
    with pytest.raises(CodeResourceLimit):
        run(
            "python",
            "def main(input):\n    s = 'x'\n    while True:\n        s += s",
            memory_mb=128,
            timeout=2,
        )


def test_huge_result_is_output_too_large(run: Callable[..., object]) -> None:
    with pytest.raises(CodeOutputTooLarge):
        run("python", "def main(input):\n    return 'x' * (2 * 1024 * 1024)", timeout=2)


def test_log_flood_is_capped(run: Callable[..., object]) -> None:
    result = run(
        "python", "def main(input):\n    for _ in range(2000):\n        print('y' * 1000)\n    return 1"
    )
    assert result.result == 1
    assert len(result.logs) < 4096 + 100
    assert result.logs.endswith("[logs truncated]")


def test_deep_recursion_is_a_code_error(run: Callable[..., object]) -> None:
    with pytest.raises(CodeError) as caught:
        run("python", "def f(n):\n    return f(n + 1)\ndef main(input):\n    return f(0)")
    assert caught.value.exc_type == "RecursionError"


def test_deeply_nested_source_is_refused(run: Callable[..., object]) -> None:
    source = "def main(input):\n    return " + "(" * 5000 + "1" + ")" * 5000
    with pytest.raises(CodeError) as caught:
        run("python", source)
    assert caught.value.exc_type == "SyntaxError"


def test_system_exit_is_a_code_error(run: Callable[..., object]) -> None:
    with pytest.raises(CodeError) as caught:
        run("python", "def main(input):\n    raise SystemExit(3)")
    assert caught.value.exc_type == "SystemExit"


def test_environment_secret_is_not_in_the_child(
    run: Callable[..., object], no_leak: Callable[..., None]
) -> None:
    # The only reachable view of the environment is through os, which is refused: the result of a
    # permitted probe (the input echoed back) carries nothing of the parent either.
    result = run("python", "def main(input):\n    return {'echo': input, 'names': dir()}", {"a": 1})
    no_leak(result.result, result.logs)


def test_every_outcome_is_a_code_run_error() -> None:
    for cls in (CodeError, CodeTimeout, CodeResourceLimit, CodeOutputTooLarge, CodeSandboxViolation):
        assert issubclass(cls, CodeRunError)


def test_catastrophic_regex_is_a_timeout(run: Callable[..., object]) -> None:
    # The backtracking runs in C, where no Python-level handler can interrupt it: the parent's kill does.
    source = "import re\ndef main(input):\n    return bool(re.match(r'(a+)+$', 'a' * 64 + 'b'))"
    with pytest.raises(CodeTimeout):
        run("python", source, timeout=1)


def test_tampered_serialiser_cannot_forge_the_reply(run: Callable[..., object]) -> None:
    # Given code that makes the child's JSON encoder return text meant to add fields to the reply
    source = """
    import json
    def forged(self, value):
        return '1, "layers": ["forged"], "status": "ok"'
    json.JSONEncoder.encode = forged
    def main(input):
        return 1
    """
    # When it runs, Then the reply is intact and the bad result is the code's own error
    with pytest.raises(CodeError) as caught:
        run("python", source)
    assert "forged" not in caught.value.layers
    assert "not valid JSON" in caught.value.error_message


def test_interpreter_crash_is_a_resource_limit(
    run: Callable[..., object], no_leak: Callable[..., None]
) -> None:
    # Hashing a deeply nested tuple recurses in C without a depth check: the child dies of SIGSEGV
    source = (
        "def main(input):\n    t = ()\n    for i in range(1000000):\n        t = (t,)\n    return hash(t)"
    )
    with pytest.raises(CodeResourceLimit) as caught:
        run("python", source, timeout=5)
    no_leak(str(caught.value))
