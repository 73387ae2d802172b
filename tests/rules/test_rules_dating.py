"""The one dating rule (`simulator/rules/dating.py`): the version in force on day D, and the
first matching variant. The reference evaluator keeps its own copy; both must agree."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import polars as pl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from simulator.rules.dating import (
    first_match,
    in_force,
    index_in_force,
    join_in_force,
    matches,
    started,
    within,
)
from simulator.rules.reference import evaluate
from simulator.rules.ruleset import RuleSet

D = dt.date.fromisoformat


@dataclass(frozen=True)
class Version:
    effective_from: dt.date
    name: str = ""


@dataclass(frozen=True)
class Variant:
    when: dict[str, str] = field(default_factory=dict)
    name: str = ""


CHAIN = [
    Version(D("2018-01-01"), "a"),
    Version(D("2019-06-01"), "b"),
    Version(D("2021-01-01"), "c"),
]


@pytest.mark.parametrize(
    ("on", "expected"),
    [
        ("2017-12-31", None),
        ("2018-01-01", "a"),
        ("2019-05-31", "a"),
        ("2019-06-01", "b"),
        ("2030-01-01", "c"),
    ],
)
def test_the_version_in_force_is_the_latest_started_on_or_before_the_day(
    on: str, expected: str | None
) -> None:
    found = in_force(CHAIN, D(on))
    assert (found.name if found else None) == expected


def test_order_in_the_list_does_not_matter_but_on_a_tie_the_first_listed_wins() -> None:
    assert in_force(list(reversed(CHAIN)), D("2020-01-01")) == CHAIN[1]
    tie = [Version(D("2018-01-01"), "first"), Version(D("2018-01-01"), "second")]
    assert in_force(tie, D("2018-01-01")) == tie[0]
    assert index_in_force(tie, D("2019-01-01")) == 0


def test_started_keeps_every_version_that_has_begun() -> None:
    assert [v.name for v in started(CHAIN, D("2020-01-01"))] == ["a", "b"]


def test_a_window_includes_both_ends_and_an_open_end_never_closes() -> None:
    assert within(D("2020-01-01"), D("2020-01-01"), D("2020-01-31"))
    assert within(D("2020-01-31"), D("2020-01-01"), D("2020-01-31"))
    assert not within(D("2020-02-01"), D("2020-01-01"), D("2020-01-31"))
    assert within(D("2099-01-01"), D("2020-01-01"), None)


def test_the_first_matching_variant_wins() -> None:
    variants = [Variant({"x": "1", "y": "2"}, "both"), Variant({"x": "1"}, "x"), Variant({}, "any")]
    assert first_match(variants, {"x": "1", "y": "2"}) == (0, variants[0])
    assert first_match(variants, {"x": "1", "y": "3"}) == (1, variants[1])
    assert first_match(variants[:2], {"x": "0"}) is None
    assert matches({}, {}) and not matches({"x": "1"}, {})


def test_the_vectorised_form_picks_the_same_version() -> None:
    versions = pl.LazyFrame(
        {
            "key": ["k"] * 3,
            "effective_from": [v.effective_from for v in CHAIN],
            "name": ["a", "b", "c"],
        }
    )
    days = [D("2017-12-31"), D("2018-01-01"), D("2019-06-01"), D("2025-01-01")]
    queries = pl.LazyFrame({"key": ["k"] * 4, "as_of": days})
    got = join_in_force(queries, versions, day="as_of", by=["key"]).collect()
    expected = [(v.name if (v := in_force(CHAIN, d)) else None) for d in days]
    assert got.sort("as_of").get_column("name").to_list() == expected


@given(day=st.dates(min_value=D("2015-09-01"), max_value=D("2030-12-31")))
def test_the_dating_rule_agrees_with_the_reference_evaluator(
    ruleset: RuleSet, day: dt.date
) -> None:
    settings = {a.id: a.default for a in ruleset.assumptions.values()}
    for plan_id, plan in ruleset.plans.items():
        if day < plan.available_from:
            continue
        for carrier in ruleset.carriers:
            rule = in_force(ruleset.rules_for(plan_id, carrier), day)
            assert rule is not None
            variant = first_match(rule.variants, settings)
            outcome = rule.outcome if variant is None else variant[1].outcome
            decision = evaluate(ruleset, plan_id, carrier, day, settings)
            assert (decision.rule.id, decision.outcome) == (rule.id, outcome)
