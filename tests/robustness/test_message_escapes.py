"""`{{` and `}}` are one brace when sent: lengths and parts are counted on the rendered text
in the forecast's too-long check, its prices and the sweeps alike."""

from __future__ import annotations

import polars as pl
import pytest
from robustness_support import AS_OF

import simulator
from simulator.analysis.sweep import load_context, plan_rates, scenario

ONE = pl.DataFrame({"phone": ["090-1234-5678"]})
SEVENTY_SENT = "あ" * 69 + "{{"
"""69 kana and an escaped brace: 70 characters when sent, one UCS-2 part everywhere."""


def test_an_escaped_brace_counts_as_the_one_character_it_sends() -> None:
    plans = simulator.forecast(ONE, message=SEVENTY_SENT, as_of=AS_OF).summary.plans
    assert {name: (p.sendable, p.parts) for name, p in plans.items()} == {
        name: (True, 1) for name in plans
    }


def test_escaped_and_plain_text_of_the_same_length_cost_the_same() -> None:
    escaped = simulator.forecast(ONE, message=SEVENTY_SENT, as_of=AS_OF).summary.plans
    plain = simulator.forecast(ONE, message="あ" * 70, as_of=AS_OF).summary.plans
    for name, plan in plain.items():
        assert escaped[name].cost_jpy_excl_tax == plan.cost_jpy_excl_tax
        assert escaped[name].expected_cost_jpy_excl_tax == plan.expected_cost_jpy_excl_tax


@pytest.mark.parametrize("message", [SEVENTY_SENT, "}}" * 35, "a{{b}}" * 20])
def test_forecast_and_sweep_count_the_same_parts(message: str) -> None:
    plans = simulator.forecast(ONE, message=message, as_of=AS_OF).summary.plans
    scn = scenario(AS_OF, message=message)
    rates = plan_rates(load_context(scn), scn)
    assert {n: p.parts for n, p in plans.items() if p.sendable} == {
        n: r.parts for n, r in rates.items() if r.sendable
    }
