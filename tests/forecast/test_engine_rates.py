"""The engine's per plan × carrier rates: one set of terms that forecast, sweeps and break-even
points all price with, and an exact expectation over the porting matrix."""

from __future__ import annotations

import datetime as dt
from fractions import Fraction

import pytest
from forecast_helpers import recipients, run

from simulator.analysis.sweep import Mix, plan_rates, scenario
from simulator.engine.context import RuleContext
from simulator.engine.rates import expected_message_sen, message_costs, plan_terms

DAYS = [dt.date(2019, 1, 1), dt.date(2021, 1, 1), dt.date(2025, 6, 1), dt.date(2026, 12, 1)]
MESSAGES = ["Hello", "あ" * 71, "x" * 200]


@pytest.mark.parametrize("day", DAYS, ids=str)
@pytest.mark.parametrize("message", MESSAGES, ids=len)
def test_a_forecast_and_a_sweep_agree_on_which_plans_send_a_message_and_why(
    day: dt.date, message: str
) -> None:
    summary = run(recipients(["docomo", "au"]), on=day, message=message).summary
    rates = plan_rates(RuleContext.load(day), scenario(day, message))
    assert {p: (r.sendable, r.reason) for p, r in rates.items()} == {
        p: (entry.sendable, entry.reason) for p, entry in summary.plans.items()
    }


@pytest.mark.parametrize("day", DAYS[2:], ids=str)
def test_one_message_to_a_looked_up_carrier_costs_what_forecast_charges_one_recipient(
    day: dt.date,
) -> None:
    ctx = RuleContext.load(day)
    rates = plan_rates(ctx, scenario(day, "Hello"))
    for carrier in ctx.ruleset.carriers:
        summary = run(recipients([carrier]), on=day).summary
        for plan, rate in rates.items():
            expected = summary.plans[plan].cost_jpy_excl_tax
            got = rate.expected_per_message(Mix.of({carrier: 1}))
            assert (None if got is None else got / 100) == expected


def test_the_porting_expectation_is_exact_and_equals_the_cost_without_porting() -> None:
    ctx = RuleContext.load(dt.date(2025, 6, 1))
    terms = plan_terms(ctx, "Hello")
    costs = message_costs(terms, ctx.rules_in_force, ctx.prices({}).unit_price_frame())
    cost = {(p, c): s for p, c, s in costs.iter_rows()}
    identity = expected_message_sen(costs, ctx.porting.without_porting())
    assert identity == {
        plan: {a: Fraction(cost[(plan, a)]) for a in ctx.porting.carriers} for plan in identity
    }
    ported = expected_message_sen(costs, ctx.porting)
    for plan, by_allocated in ported.items():
        for allocated, value in by_allocated.items():
            row = ctx.porting.matrix[allocated]
            assert value == sum(
                (Fraction(p) * cost[(plan, s)] for s, p in row.items() if p > 0), Fraction(0)
            )
