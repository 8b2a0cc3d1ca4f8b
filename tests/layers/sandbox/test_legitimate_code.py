"""Legitimate code works: standard modules in Python, JSON and array methods in JavaScript, errors with lines."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from deca.nodes.code import CodeConfig
from deca.sandbox import CodeError, CodeRequest, CodeResult, CodeValidationError

Run = Callable[..., CodeResult]

PYTHON_REPORT = """
import json, re, math, datetime, statistics
from collections import Counter, defaultdict, namedtuple

Order = namedtuple("Order", "sku qty price")


class Totals:
    def __init__(self, orders):
        self._orders = orders

    def revenue(self):
        return sum(o.qty * o.price for o in self._orders)


def main(input):
    orders = [Order(**o) for o in json.loads(input["orders"])]
    by_sku = defaultdict(int)
    for o in orders:
        by_sku[o.sku] += o.qty
    day = datetime.date.fromisoformat(input["day"]) + datetime.timedelta(days=1)
    print("orders:", len(orders))
    return {
        "revenue": round(Totals(orders).revenue(), 2),
        "mean_qty": statistics.mean(o.qty for o in orders),
        "top": Counter(by_sku).most_common(1)[0][0],
        "codes": re.findall(r"[A-Z]+-\\d+", input["text"]),
        "hyp": math.hypot(3, 4),
        "next_day": day.isoformat(),
        "label": "{:.1f}%".format(12.345) + f" {orders[0]._asdict()['sku']}",
    }
"""


def test_python_function_using_standard_modules(run: Run) -> None:
    value = {
        "orders": '[{"sku": "a", "qty": 2, "price": 1.5}, {"sku": "b", "qty": 4, "price": 2.0}]',
        "day": "2026-02-28",
        "text": "see AB-12 and CD-7",
    }
    result = run("python", PYTHON_REPORT, value)
    assert result.result == {
        "revenue": 11.0,
        "mean_qty": 3,
        "top": "b",
        "codes": ["AB-12", "CD-7"],
        "hyp": 5.0,
        "next_day": "2026-03-01",
        "label": "12.3% a",
    }
    assert result.logs == "orders: 2\n"
    assert result.duration_ms > 0


def test_javascript_function_using_json_and_arrays(run: Run) -> None:
    source = """
    function main(input) {
      const rows = JSON.parse(input.rows);
      console.log('rows', rows.length);
      const paid = rows.filter(r => r.paid).map(r => ({...r, total: r.qty * r.price}));
      return {
        totals: paid.map(r => r.total),
        sum: paid.reduce((s, r) => s + r.total, 0),
        names: [...new Set(rows.map(r => r.name))].sort(),
        any_big: rows.some(r => r.qty > 10),
        json: JSON.stringify({a: [1, 2]}),
      };
    }
    """
    rows = '[{"name": "b", "qty": 2, "price": 3, "paid": true}, {"name": "a", "qty": 1, "price": 5, "paid": false}]'
    result = run("javascript", source, {"rows": rows})
    assert result.result == {
        "totals": [6],
        "sum": 6,
        "names": ["a", "b"],
        "any_big": False,
        "json": '{"a":[1,2]}',
    }
    assert result.logs == "rows 2\n"


@pytest.mark.parametrize(
    "source",
    [
        "async function main(input) { return await Promise.resolve(input * 2); }",
        "module.exports = function (input) { return input * 2; };",
        "module.exports = { main: (input) => input * 2 };",
        "const main = (input) => input * 2;",
    ],
    ids=["async_main", "module_exports_function", "module_exports_main", "const_arrow"],
)
def test_javascript_entry_point_forms(run: Run, source: str) -> None:
    assert run("javascript", source, 21).result == 42


def test_python_error_has_type_message_and_line(run: Run) -> None:
    with pytest.raises(CodeError) as caught:
        run("python", "def main(input):\n    x = 1\n    raise ValueError(f'bad {input}')\n", 7)
    assert (caught.value.exc_type, caught.value.error_message, caught.value.line) == (
        "ValueError",
        "bad 7",
        3,
    )


def test_python_syntax_error_has_line(run: Run) -> None:
    with pytest.raises(CodeError) as caught:
        run("python", "def main(input):\n    return (\n\n")
    assert caught.value.exc_type == "SyntaxError"
    assert caught.value.line is not None


def test_javascript_error_has_type_message_and_line(run: Run) -> None:
    with pytest.raises(CodeError) as caught:
        run("javascript", "function main(input) {\n  const x = null;\n  return x.field;\n}")
    assert caught.value.exc_type == "TypeError"
    assert caught.value.line == 3


def test_missing_main_is_a_code_error(run: Run) -> None:
    with pytest.raises(CodeError) as caught:
        run("python", "x = 1")
    assert "main(input)" in caught.value.error_message


def test_non_json_result_is_a_code_error(run: Run) -> None:
    with pytest.raises(CodeError) as caught:
        run("python", "def main(input):\n    return {1, 2}")
    assert caught.value.exc_type == "TypeError"


def test_logs_come_back_with_an_error(run: Run) -> None:
    with pytest.raises(CodeError) as caught:
        run("python", "def main(input):\n    print('before')\n    return 1 / 0")
    assert caught.value.logs == "before\n"


def test_input_schema_rejects_bad_input_before_running(run: Run) -> None:
    schema = {"type": "object", "required": ["amount"], "properties": {"amount": {"type": "number"}}}
    with pytest.raises(CodeValidationError) as caught:
        run("python", "def main(input):\n    return input", {"amount": "ten"}, input_schema=schema)
    assert caught.value.stage == "input"
    assert caught.value.errors == ["amount: 'ten' is not of type 'number'"]


def test_output_schema_rejects_bad_result(run: Run) -> None:
    schema = {"type": "object", "required": ["ok"]}
    with pytest.raises(CodeValidationError) as caught:
        run("javascript", "function main(input) { console.log('x'); return {}; }", output_schema=schema)
    assert caught.value.stage == "output"
    assert caught.value.logs == "x\n"


def test_schemas_accept_matching_values(run: Run) -> None:
    result = run(
        "python",
        "def main(input):\n    return {'double': input['n'] * 2}",
        {"n": 2},
        input_schema={"type": "object", "properties": {"n": {"type": "integer"}}},
        output_schema={
            "type": "object",
            "properties": {"double": {"type": "integer"}},
            "required": ["double"],
        },
    )
    assert result.result == {"double": 4}


def test_request_from_code_node_config() -> None:
    config = CodeConfig(language="python", source="def main(input):\n    return input", input=[1], timeout=5)
    request = CodeRequest.from_config(config)
    assert (request.language, request.input, request.timeout, request.memory_mb) == ("python", [1], 5, 256)


def test_input_that_is_not_json_is_a_validation_error(run: Run) -> None:
    with pytest.raises(CodeValidationError) as caught:
        run("python", "def main(input):\n    return input", {"when": float("nan")})
    assert caught.value.stage == "input"
