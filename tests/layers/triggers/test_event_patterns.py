"""EventBridge event patterns: each operator matches what AWS matches, and invalid patterns are rejected."""

from __future__ import annotations

from typing import Any

import pytest

from deca.errors import InputError
from deca.triggers.event_patterns import matches, validate_pattern

EVENT: dict[str, Any] = {
    "id": "e-1",
    "source": "crm.deals",
    "detail-type": "Deal Won",
    "detail": {
        "amount": 1500,
        "currency": "EUR",
        "owner": {"email": "Ann@Example.com", "team": "emea"},
        "tags": ["vip", "renewal"],
        "ip": "10.0.3.17",
        "file": "reports/2024/q1.csv",
        "note": None,
        "lines": [{"sku": "A-1", "qty": 2}, {"sku": "B-7", "qty": 10}],
    },
}

CASES = [
    ("exact string", {"source": ["crm.deals"]}, True),
    ("exact string miss", {"source": ["crm.leads"]}, False),
    ("exact number", {"detail": {"amount": [1500.0]}}, True),
    ("number is not its string", {"detail": {"amount": ["1500"]}}, False),
    ("null literal", {"detail": {"note": [None]}}, True),
    ("null does not match missing", {"detail": {"absent": [None]}}, False),
    ("any of the values", {"detail-type": ["Deal Lost", "Deal Won"]}, True),
    ("prefix", {"source": [{"prefix": "crm."}]}, True),
    ("prefix miss", {"source": [{"prefix": "erp."}]}, False),
    ("prefix ignore case", {"detail-type": [{"prefix": {"equals-ignore-case": "deal w"}}]}, True),
    ("suffix", {"detail": {"file": [{"suffix": ".csv"}]}}, True),
    ("suffix miss", {"detail": {"file": [{"suffix": ".json"}]}}, False),
    ("suffix ignore case", {"detail": {"file": [{"suffix": {"equals-ignore-case": ".CSV"}}]}}, True),
    ("anything-but value", {"detail": {"currency": [{"anything-but": "USD"}]}}, True),
    ("anything-but value miss", {"detail": {"currency": [{"anything-but": ["USD", "EUR"]}]}}, False),
    ("anything-but number", {"detail": {"amount": [{"anything-but": [100, 200]}]}}, True),
    ("anything-but missing field", {"detail": {"absent": [{"anything-but": "x"}]}}, False),
    ("anything-but prefix", {"source": [{"anything-but": {"prefix": "erp."}}]}, True),
    ("anything-but prefix miss", {"source": [{"anything-but": {"prefix": "crm."}}]}, False),
    ("anything-but suffix", {"detail": {"file": [{"anything-but": {"suffix": ".csv"}}]}}, False),
    (
        "anything-but ignore case",
        {"detail-type": [{"anything-but": {"equals-ignore-case": ["deal won"]}}]},
        False,
    ),
    ("anything-but wildcard", {"detail": {"file": [{"anything-but": {"wildcard": "logs/*"}}]}}, True),
    ("numeric range", {"detail": {"amount": [{"numeric": [">", 1000, "<=", 1500]}]}}, True),
    ("numeric range miss", {"detail": {"amount": [{"numeric": [">=", 0, "<", 1500]}]}}, False),
    ("numeric equals", {"detail": {"amount": [{"numeric": ["=", 1500]}]}}, True),
    ("numeric on a string", {"detail": {"currency": [{"numeric": [">", 0]}]}}, False),
    ("exists true", {"detail": {"owner": {"team": [{"exists": True}]}}}, True),
    ("exists true miss", {"detail": {"owner": {"region": [{"exists": True}]}}}, False),
    ("exists false", {"detail": {"owner": {"region": [{"exists": False}]}}}, True),
    ("exists false under missing parent", {"detail": {"absent": {"x": [{"exists": False}]}}}, True),
    ("exists false miss", {"detail": {"currency": [{"exists": False}]}}, False),
    (
        "equals-ignore-case",
        {"detail": {"owner": {"email": [{"equals-ignore-case": "ann@example.COM"}]}}},
        True,
    ),
    ("wildcard", {"detail": {"file": [{"wildcard": "reports/*/q1.csv"}]}}, True),
    ("wildcard two stars", {"detail": {"file": [{"wildcard": "*2024*"}]}}, True),
    ("wildcard miss", {"detail": {"file": [{"wildcard": "logs/*"}]}}, False),
    ("wildcard escaped star", {"detail": {"file": [{"wildcard": "reports\\*"}]}}, False),
    ("cidr", {"detail": {"ip": [{"cidr": "10.0.0.0/16"}]}}, True),
    ("cidr miss", {"detail": {"ip": [{"cidr": "192.168.0.0/24"}]}}, False),
    ("array any element", {"detail": {"tags": ["renewal"]}}, True),
    ("array no element", {"detail": {"tags": ["churn"]}}, False),
    ("array of objects", {"detail": {"lines": {"sku": ["B-7"], "qty": [{"numeric": [">", 5]}]}}}, True),
    ("$or first branch", {"$or": [{"source": ["crm.deals"]}, {"detail-type": ["x"]}]}, True),
    ("$or no branch", {"$or": [{"source": ["erp"]}, {"detail-type": ["x"]}]}, False),
    ("all keys must match", {"source": ["crm.deals"], "detail-type": ["Deal Lost"]}, False),
    ("nested object", {"detail": {"owner": {"team": ["emea"]}}}, True),
]


@pytest.mark.parametrize(("pattern", "expected"), [(p, e) for _, p, e in CASES], ids=[c[0] for c in CASES])
def test_pattern_matches_like_eventbridge(pattern: dict[str, Any], expected: bool) -> None:
    # Given a valid pattern
    validate_pattern(pattern)
    # When / Then
    assert matches(pattern, EVENT) is expected


INVALID = [
    ("empty", {}),
    ("scalar value", {"source": "crm"}),
    ("empty list", {"source": []}),
    ("unknown operator", {"source": [{"startswith": "crm"}]}),
    ("two operators", {"source": [{"prefix": "a", "suffix": "b"}]}),
    ("prefix number", {"source": [{"prefix": 1}]}),
    ("numeric odd", {"amount": [{"numeric": [">"]}]}),
    ("numeric bad op", {"amount": [{"numeric": ["!=", 1]}]}),
    ("numeric three comparisons", {"amount": [{"numeric": [">", 1, "<", 5, "<", 4]}]}),
    ("exists not bool", {"x": [{"exists": "yes"}]}),
    ("cidr not a network", {"ip": [{"cidr": "nope"}]}),
    ("anything-but numeric", {"x": [{"anything-but": {"numeric": [">", 1]}}]}),
    ("$or single branch", {"$or": [{"a": ["b"]}]}),
]


@pytest.mark.parametrize("pattern", [p for _, p in INVALID], ids=[c[0] for c in INVALID])
def test_invalid_pattern_is_input_error(pattern: dict[str, Any]) -> None:
    with pytest.raises(InputError, match="event pattern"):
        validate_pattern(pattern)
