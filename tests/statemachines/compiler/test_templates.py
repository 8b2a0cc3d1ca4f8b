"""Templates: `{{ }}` splitting, JS operator rewriting, root references found with the JSONata parser."""

from __future__ import annotations

import pytest

from statemachines.compiler.templates import (
    TemplateSyntaxError,
    analyse,
    parse_condition,
    parse_string,
    prepare,
    split_template,
)

DASHED = frozenset({"validate-input", "create-persona"})


def _roots(text: str) -> list[tuple[str, tuple[str, ...]]]:
    template = parse_string(text, DASHED)
    assert template is not None
    return [(r.root, r.fields) for e in template.exprs for r in e.refs]


def _show(text: str) -> str:
    template = parse_string(text, DASHED)
    assert template is not None
    return template.render(lambda r: f"${r.root.replace('-', '_')}")


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("a === b", "a = b"),
        ("a !== b", "a != b"),
        ("a == b", "a = b"),
        ("a && b || c", "a  and  b  or  c"),
        ("!a.b", "$not(a.b)"),
        ("!(a = 1)", "$not((a = 1))"),
        ("a != 'x && y'", "a != 'x && y'"),
        ("validate-input.success", "`validate-input`.success"),
        ("input.first-name", "input.first-name"),
    ],
    ids=["===", "!==", "==", "&&-||", "!path", "!group", "in-string", "dashed-id", "dashed-field"],
)
def test_js_operators_and_dashed_ids_are_rewritten(source: str, expected: str) -> None:
    assert prepare(source, DASHED)[0] == expected


def test_string_without_template_is_not_a_template() -> None:
    assert parse_string("plain text", DASHED) is None


def test_exactly_one_template_keeps_the_value_type() -> None:
    template = parse_string("{{ input.amount }}", DASHED)
    assert template is not None and template.single
    assert _show("{{ input.amount }}") == "$input.amount"


def test_mixed_text_and_templates_concatenate_as_a_string() -> None:
    assert _show("Hi {{ input.name }}!") == '"Hi " & ($input.name) & "!"'


def test_root_references_carry_their_field_paths() -> None:
    assert _roots("{{ validate-input.result.score + input.bonus }}") == [
        ("validate-input", ("result", "score")),
        ("input", ("bonus",)),
    ]


def test_names_inside_predicates_and_later_steps_are_not_roots() -> None:
    assert _roots("{{ input.items[price > limit].name }}") == [("input", ("items", "name"))]


def test_lambda_bodies_see_the_roots() -> None:
    roots = _roots("{{ $map(input.items, function($i) { $i.p * input.rate }) }}")
    assert roots == [("input", ("items",)), ("input", ("rate",))]


def test_braces_inside_a_template_do_not_close_it() -> None:
    assert _roots('{{ {"a": {"b": input.x}} }}') == [("input", ("x",))]


def test_seed_condition_is_rewritten_to_jsonata() -> None:
    expr = parse_condition("{{validate-input.success}} === true", DASHED)
    assert expr.render(lambda r: "$n_validate_input") == "($n_validate_input.success) = true"


def test_parse_error_carries_the_offset_in_the_original_string() -> None:
    with pytest.raises(TemplateSyntaxError) as caught:
        parse_string("total: {{ input.x + }}", DASHED)
    assert caught.value.offset is not None and 9 <= caught.value.offset <= 22


def test_unbalanced_braces_are_syntax_errors() -> None:
    with pytest.raises(TemplateSyntaxError):
        split_template("a }} b")


def test_parses_are_cached_per_distinct_text() -> None:
    assert analyse("input.a + 1") is analyse("input.a + 1")
