"""JSONPath selection and ResultPath merging with Jayway/AWS semantics."""

from __future__ import annotations

import pytest

from statemachines.runtime.errors import PathNotFound
from statemachines.runtime.jsonpath import ROOT_CONTEXT, ROOT_VARIABLE, compile_path, set_path

DOC = {"a": {"b": [10, 20, 30]}, "users": [{"n": "x", "s": 0}, {"n": "y", "s": 1}], "we'ird": 1}


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("$", DOC),
        ("$.a.b", [10, 20, 30]),
        ("$.a.b[0]", 10),
        ("$.a.b[-1]", 30),
        ("$['a']['b'][1]", 20),
        ("$.a.b[1:]", [20, 30]),
        ("$.a.b[:1]", [10]),
        ("$.a.b[*]", [10, 20, 30]),
        ("$.users[*].n", ["x", "y"]),
        ("$.users[?(@.s == 0)]", [{"n": "x", "s": 0}]),
        ("$.users[?(@.s > 0 && @.n == 'y')].n", ["y"]),
        ("$..n", ["x", "y"]),
        ("$['we'ird']", 1),
    ],
    ids=lambda v: str(v),
)
def test_selects_like_aws(path: str, expected: object) -> None:
    assert compile_path(path).get(DOC) == expected


def test_missing_leaf_reports_no_results() -> None:
    with pytest.raises(PathNotFound) as caught:
        compile_path("$.nope").get(DOC)
    assert caught.value.message == "No results for path: $['nope']"


def test_missing_intermediate_reports_missing_property() -> None:
    with pytest.raises(PathNotFound) as caught:
        compile_path("$.no.such.path").get(DOC)
    assert caught.value.message == "Missing property in path $['no']"


def test_indefinite_path_on_missing_data_is_empty_list() -> None:
    assert compile_path("$.item.items[1:5].v").get({}) == []


def test_roots_are_recognised() -> None:
    assert compile_path("$$.Execution.Id").root == ROOT_CONTEXT
    variable = compile_path("$myVar.x")
    assert (variable.root, variable.variable) == (ROOT_VARIABLE, "myVar")


def test_set_path_copies_instead_of_mutating() -> None:
    doc = {"a": {"b": 1}}
    out = set_path(doc, compile_path("$.a.c"), 2)
    assert out == {"a": {"b": 1, "c": 2}}
    assert doc == {"a": {"b": 1}}


def test_set_path_creates_missing_objects() -> None:
    assert set_path({}, compile_path("$.x.y"), [1]) == {"x": {"y": [1]}}


def test_compiled_paths_are_cached() -> None:
    assert compile_path("$.a.b") is compile_path("$.a.b")


def test_malformed_path_is_rejected() -> None:
    with pytest.raises(ValueError):
        compile_path("$.a[")
