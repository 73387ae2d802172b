"""Documentary tests: the rule tests in rules/tests/ (run by `kpsim rules test`) reproduce the
dated table of the K-Premium research notes, and every alternative reading changes only its window.

The cases themselves are data: `rules/tests/documentary.yaml` (one group per row of section 1 of
shared/domain/kpremium-rules-history.md), `eves.yaml` (the day before each change),
`assumptions.yaml` (every alternative reading inside its window) and `edges.yaml`. This module
runs each case as a pytest case and checks what a case file cannot say about itself: that each
documentary row covers every plan that exists for every carrier, and that each alternative reading
changes nothing outside its window.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest

from simulator.pricing.book import load_default_price_book
from simulator.result.rule_tests import LoadedCase, case_files, load_cases, run_case
from simulator.rules.assumptions import referenced_assumptions, resolve_settings
from simulator.rules.linter import boundaries
from simulator.rules.reference import evaluate
from simulator.rules.ruleset import DEFAULT_RULES_DIR, RuleSet, load_ruleset

D = dt.date.fromisoformat
RULES = load_ruleset()
BOOK = load_default_price_book()
TESTS = DEFAULT_RULES_DIR / "tests"
CASES = load_cases(case_files(TESTS), RULES, BOOK)


def cases_in(name: str) -> list[LoadedCase]:
    return [c for c in CASES if c.file.name == name]


@pytest.mark.parametrize("case", CASES, ids=[f"{c.where} {c.name} {c.on}" for c in CASES])
def test_rule_test_case_passes(case: LoadedCase) -> None:
    result = run_case(RULES, BOOK, case, {})
    assert result.mismatches == [], f"{case.where} [{case.cite}]"


def test_every_case_file_has_cases() -> None:
    for path in case_files(TESTS):
        assert cases_in(path.name), path


@pytest.mark.parametrize(
    "day",
    sorted({c.on for c in cases_in("documentary.yaml")}),
    ids=lambda d: d.isoformat(),
)
def test_every_plan_that_exists_is_covered_for_every_carrier(
    ruleset: RuleSet, day: dt.date
) -> None:
    cells = [(c.case.plan, c.case.carrier) for c in cases_in("documentary.yaml") if c.on == day]
    assert all(not c.assume for c in cases_in("documentary.yaml") if c.on == day)
    existing = {p for p, plan in ruleset.plans.items() if plan.available_from <= day}
    assert sorted(cells) == sorted({(p, c) for p in existing for c in ruleset.carriers})


# --- Assumptions: each alternative reading changes exactly its cells, in exactly its window ---


@dataclass(frozen=True)
class Window:
    """Where choosing `assumption=value` changes a plan × carrier (last day inclusive).

    What it changes to is a case in rules/tests/assumptions.yaml."""

    assumption: str
    value: str
    plan: str
    carrier: str
    first: str
    last: str | None

    def contains(self, on: dt.date) -> bool:
        return D(self.first) <= on and (self.last is None or on <= D(self.last))


ALTERNATIVES = [
    Window("docomo_2019_number_change", "blog_2019_07_10", "full", "docomo", "2019-07-10", "2019-08-11"),
    Window("softbank_under_v3", "standard_ja_notice", "full", "softbank", "2020-02-20", "2021-06-15"),
    Window("docomo_v3_window", "en_pages", "full", "docomo", "2020-02-20", "2020-05-18"),
    Window("docomo_v3_window", "en_pages", "lite", "docomo", "2020-02-20", "2020-05-18"),
    Window("rakuten_under_lite", "standard", "lite", "rakuten", "2020-05-19", None),
    Window("docomo_under_lite_2020", "standard", "lite", "docomo", "2020-05-19", None),
    Window("rakuten_sender_under_full", "fixed_unknown", "full", "rakuten", "2020-05-19", None),
    Window("softbank_2021_shortcode_date", "blog_2021_06_15", "full", "softbank", "2021-06-15", "2021-06-15"),
    Window("softbank_shortcode_since_2023", "ezsms_249200", "full", "softbank", "2023-05-12", None),
    Window("softbank_shortcode_since_2023", "blog_6_digit_unknown", "full", "softbank", "2023-05-12", None),
    Window("rakuten_before_2020_05_19", "as_documented_2020_05_19", "full", "rakuten", "2020-04-08", "2020-05-18"),
    Window("rakuten_before_2020_05_19", "as_documented_2020_05_19", "lite", "rakuten", "2020-04-08", "2020-05-18"),
]  # fmt: skip


@pytest.mark.parametrize(
    "window",
    ALTERNATIVES,
    ids=[f"{w.assumption}={w.value}-{w.plan}-{w.carrier}" for w in ALTERNATIVES],
)
def test_every_window_has_cases_on_its_first_and_last_day(window: Window) -> None:
    days = {
        c.on
        for c in cases_in("assumptions.yaml")
        if c.assume == {window.assumption: window.value}
        and (c.case.plan, c.case.carrier) == (window.plan, window.carrier)
    }
    assert D(window.first) in days
    assert D(window.last) in days if window.last else max(days) > D(window.first)


def probe_days(ruleset: RuleSet) -> list[dt.date]:
    """Every day on which anything changes, the day before it, and the ends of the range."""
    days = {D("2015-01-01"), D("2030-12-31")}
    for day in boundaries(ruleset):
        days |= {day, day - dt.timedelta(days=1)}
    for w in ALTERNATIVES:
        days |= {D(w.first), D(w.first) - dt.timedelta(days=1)}
        if w.last:
            days |= {D(w.last), D(w.last) + dt.timedelta(days=1)}
    return sorted(days)


@pytest.mark.parametrize(
    ("assumption", "value"),
    sorted({(w.assumption, w.value) for w in ALTERNATIVES}),
)
def test_assumption_alternative_has_no_effect_outside_its_window(
    ruleset: RuleSet, defaults: dict[str, str], assumption: str, value: str
) -> None:
    settings = resolve_settings(ruleset, {assumption: value})
    windows = [w for w in ALTERNATIVES if (w.assumption, w.value) == (assumption, value)]
    changed, expected = set(), set()
    for on in probe_days(ruleset):
        for plan_id, plan in ruleset.plans.items():
            if on < plan.available_from:
                continue
            for carrier in ruleset.carriers:
                base = evaluate(ruleset, plan_id, carrier, on, defaults)
                alt = evaluate(ruleset, plan_id, carrier, on, settings)
                assert alt.rule.id == base.rule.id
                if alt.outcome != base.outcome:
                    changed.add((plan_id, carrier, on))
                if any(
                    (w.plan, w.carrier) == (plan_id, carrier) and w.contains(on) for w in windows
                ):
                    expected.add((plan_id, carrier, on))
    assert changed == expected


def test_every_alternative_reading_has_a_window(ruleset: RuleSet) -> None:
    routing = {name for r in ruleset.routing for v in r.rule.variants for name in v.when}
    alternatives = {
        (a, v.id)
        for a in referenced_assumptions(ruleset)
        if a in routing
        for v in ruleset.assumptions[a].values
        if v.id != ruleset.assumptions[a].default
    }
    assert alternatives == {(w.assumption, w.value) for w in ALTERNATIVES}
