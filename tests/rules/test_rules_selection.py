"""Choosing plans and carriers by name: every name is checked against the rules, in one place,
for the CLI and the Python API alike."""

from __future__ import annotations

import datetime as dt

import pytest

from simulator.analysis.run import ForecastOptions, forecast
from simulator.errors import UsageError
from simulator.rules.ruleset import load_ruleset

RULES = load_ruleset()


def test_no_selection_means_every_plan_and_carrier_in_rule_order() -> None:
    assert RULES.plan_ids() == list(RULES.plans)
    assert RULES.carrier_ids() == list(RULES.carriers)


def test_a_selection_keeps_its_order() -> None:
    assert RULES.plan_ids(["full", "standard"]) == ["full", "standard"]


def test_an_unknown_plan_is_a_usage_error_listing_the_plans() -> None:
    with pytest.raises(UsageError, match="unknown plan 'gold'") as raised:
        RULES.plan_ids(["standard", "gold"])
    assert raised.value.hint == f"choose from {', '.join(RULES.plans)}"


def test_an_unknown_carrier_is_a_usage_error_listing_the_carriers() -> None:
    with pytest.raises(UsageError, match="unknown carrier 'kddi'") as raised:
        RULES.carrier_ids(["kddi"])
    assert raised.value.hint == f"choose from {', '.join(RULES.carriers)}"


def test_forecast_from_python_refuses_an_unknown_plan_before_reading_the_list() -> None:
    options = ForecastOptions(message="Hi", as_of=dt.date(2026, 1, 5), plans=["gold"])
    with pytest.raises(UsageError, match="unknown plan 'gold'"):
        forecast("no-such-file.csv", options)
