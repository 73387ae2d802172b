"""Properties of the shipped rules that hold on every day and under every assumption combination."""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
import math

import polars as pl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from simulator.engine.tables import resolved_rules, rule_versions
from simulator.errors import NotApplicableError
from simulator.rules.api_request import accepted_names, api_request
from simulator.rules.assumptions import all_combinations, default_settings
from simulator.rules.linter import boundaries, lint_ruleset, outcome_problems
from simulator.rules.reference import Decision, evaluate
from simulator.rules.ruleset import RuleSet, load_ruleset
from simulator.rules.schema import Rule

RULES = load_ruleset()
PLANS = sorted(RULES.plans)
CARRIERS = sorted(RULES.carriers)
COMBINATIONS = all_combinations(RULES)
ROUTING_ASSUMPTIONS = sorted(
    {name for r in RULES.routing for v in r.rule.variants for name in v.when}
)
ROUTING_COMBINATIONS = all_combinations(RULES, ROUTING_ASSUMPTIONS)
FIRST, LAST = dt.date(2015, 1, 1), dt.date(2030, 12, 31)

dates = st.dates(FIRST, LAST)
plans = st.sampled_from(PLANS)
carriers = st.sampled_from(CARRIERS)
combinations = st.sampled_from(COMBINATIONS)


def versions_holding(chain: list[Rule], on: dt.date) -> list[Rule]:
    """Versions whose span [effective_from, next effective_from) contains `on`."""
    starts = sorted({r.effective_from for r in chain})
    holding = []
    for rule in chain:
        later = [s for s in starts if s > rule.effective_from]
        if rule.effective_from <= on and (not later or on < later[0]):
            holding.append(rule)
    return holding


def signature(d: Decision) -> tuple[object, ...]:
    return (d.rule.id, d.outcome)


@given(on=dates, plan=plans, carrier=carriers)
def test_exactly_one_rule_version_holds_on_every_day_a_plan_exists(
    on: dt.date, plan: str, carrier: str
) -> None:
    holding = versions_holding(RULES.rules_for(plan, carrier), on)
    if on < RULES.plans[plan].available_from:
        with pytest.raises(NotApplicableError):
            evaluate(RULES, plan, carrier, on, default_settings(RULES))
        return
    assert len(holding) == 1, f"{plan}/{carrier} on {on}: {[r.id for r in holding]}"
    assert evaluate(RULES, plan, carrier, on, default_settings(RULES)).rule == holding[0]


@given(on=dates, settings=combinations)
def test_engine_table_agrees_with_reference_evaluator(
    on: dt.date, settings: dict[str, str]
) -> None:
    table = resolved_rules(RULES, on, settings)
    existing = [p for p in PLANS if RULES.plans[p].available_from <= on]
    assert sorted(zip(table["plan"], table["carrier"], strict=True)) == sorted(
        (p, c) for p in existing for c in CARRIERS
    )
    for row in table.to_dicts():
        d = evaluate(RULES, row["plan"], row["carrier"], on, settings)
        engine = {k: v for k, v in row.items() if k not in ("plan", "carrier", "as_of")}
        assert engine == {
            "rule_id": d.rule.id,
            "effective_from": d.rule.effective_from,
            "route": d.outcome.route,
            "sender_kind": d.outcome.sender.kind,
            "sender_value": d.outcome.sender.value,
            "sender_guaranteed": d.outcome.sender.guaranteed,
            "charge_class": d.outcome.charge,
            "rule_variant": d.variant_index,
            "rule_sources": list(d.rule.sources),
        }


RULE_STARTS = sorted(
    {r.rule.effective_from for r in RULES.routing}
    | {p.available_from for p in RULES.plans.values()}
)
RULE_SPANS = [
    (a, b)
    for a, b in itertools.pairwise([*RULE_STARTS, LAST + dt.timedelta(days=2)])
    if b - a > dt.timedelta(days=1)
]
ALL_SPANS = [
    (a, b)
    for a, b in itertools.pairwise([*boundaries(RULES), LAST + dt.timedelta(days=2)])
    if b - a > dt.timedelta(days=1)
]


def day_strictly_inside(span: tuple[dt.date, dt.date], fraction: float) -> dt.date:
    start, end = span
    inner = (end - start).days - 1
    return start + dt.timedelta(days=1 + min(inner - 1, int(fraction * inner)))


@given(
    span=st.sampled_from(RULE_SPANS),
    fraction=st.floats(0, 1, exclude_max=True),
    settings=combinations,
)
def test_outcomes_are_constant_between_consecutive_rule_dates(
    span: tuple[dt.date, dt.date], fraction: float, settings: dict[str, str]
) -> None:
    start, inside = span[0], day_strictly_inside(span, fraction)
    assert span[0] < inside < span[1]
    for plan in (p for p in PLANS if RULES.plans[p].available_from <= start):
        for carrier in CARRIERS:
            assert signature(evaluate(RULES, plan, carrier, inside, settings)) == signature(
                evaluate(RULES, plan, carrier, start, settings)
            )


@given(
    span=st.sampled_from(ALL_SPANS),
    fraction=st.floats(0, 1, exclude_max=True),
    settings=combinations,
)
def test_api_request_is_constant_between_consecutive_parameter_dates(
    span: tuple[dt.date, dt.date], fraction: float, settings: dict[str, str]
) -> None:
    start, inside = span[0], day_strictly_inside(span, fraction)
    for plan in (p for p in PLANS if RULES.plans[p].available_from <= start):
        assert api_request(RULES, plan, inside, settings) == api_request(
            RULES, plan, start, settings
        )


def test_every_written_outcome_and_variant_obeys_the_invariants() -> None:
    for routing in RULES.routing:
        outcomes = [routing.rule.outcome, *(v.outcome for v in routing.rule.variants)]
        for outcome in outcomes:
            assert outcome_problems(outcome) == [], routing.rule.id


def test_rule_outcomes_obey_the_invariants_under_every_assumption_combination() -> None:
    """Direct ⇔ K-Premium charge; standard ⇒ the user's sender, not guaranteed; registered ⇒ direct.

    Only assumptions that routing variants name can change a rule outcome, so every
    combination of those is every combination that matters here.
    """
    route, charge, kind = pl.col("route"), pl.col("charge_class"), pl.col("sender_kind")
    broken = (
        ((route == "direct") != (charge == "k_premium"))
        | ((route == "standard") & ((kind != "user") | pl.col("sender_guaranteed")))
        | ((kind == "registered") & (route != "direct"))
    )
    for settings in ROUTING_COMBINATIONS:
        bad = rule_versions(RULES, settings).filter(broken)
        assert bad.is_empty(), (settings, bad.to_dicts())


def lite_full_standard_problems(on: dt.date, settings: dict[str, str]) -> list[str]:
    problems = []
    for carrier in CARRIERS:
        if on < RULES.plans["standard"].available_from:
            continue
        standard = evaluate(RULES, "standard", carrier, on, settings).outcome
        if standard.route != "standard":
            problems.append(f"standard sends {carrier} direct on {on}")
        if on < max(RULES.plans["lite"].available_from, RULES.plans["full"].available_from):
            continue
        lite = evaluate(RULES, "lite", carrier, on, settings).outcome
        full = evaluate(RULES, "full", carrier, on, settings).outcome
        # Lite is K-Premium only where the registered ID can be shown (C9 concerns full only)
        if lite.route == "direct" and (full.route != "direct" or lite.sender.kind != "registered"):
            problems.append(
                f"lite sends {carrier} direct on {on} without the registered ID or full does not"
            )
    return problems


def test_lite_is_a_subset_of_full_under_every_assumption_combination() -> None:
    assert len(ROUTING_COMBINATIONS) == len(
        {tuple(sorted(c.items())) for c in ROUTING_COMBINATIONS}
    )
    for settings in ROUTING_COMBINATIONS:
        for on in RULE_STARTS:
            assert lite_full_standard_problems(on, settings) == [], settings


@given(on=dates, settings=combinations)
def test_lite_is_a_subset_of_full_on_every_day(on: dt.date, settings: dict[str, str]) -> None:
    assert lite_full_standard_problems(on, settings) == []


@given(on=dates, settings=combinations)
def test_every_plan_has_its_flag_and_a_kp_sender_parameter_every_day(
    on: dt.date, settings: dict[str, str]
) -> None:
    for plan in RULES.plans.values():
        if plan.flag_role is None or on < plan.available_from:
            continue
        assert accepted_names(RULES, plan.flag_role, on, settings), (plan.id, on)
        assert accepted_names(RULES, "kp_sender", on, settings), (plan.id, on)


def test_shipped_rules_lint_clean(ruleset: RuleSet) -> None:
    assert lint_ruleset(ruleset) == []


def test_assumption_combinations_are_the_full_product() -> None:
    sizes = [len(RULES.assumptions[name].values) for name in ROUTING_ASSUMPTIONS]
    referenced = {name for c in COMBINATIONS for name in c}
    assert len(ROUTING_COMBINATIONS) == math.prod(sizes)
    assert set(ROUTING_ASSUMPTIONS) <= referenced


@given(defaults=combinations)
def test_linter_sees_the_same_combinations_whatever_the_defaults(
    defaults: dict[str, str],
) -> None:
    """The linter checks every combination, so a clean lint holds for any choice of defaults."""
    moved = dataclasses.replace(
        RULES,
        assumptions={
            k: a.model_copy(update={"default": defaults[k]}) for k, a in RULES.assumptions.items()
        },
    )

    def as_set(combos: list[dict[str, str]]) -> set[tuple[tuple[str, str], ...]]:
        return {tuple(sorted(c.items())) for c in combos}

    assert as_set(all_combinations(moved)) == as_set(COMBINATIONS)
