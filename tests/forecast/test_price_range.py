"""The range each plan reports (range_jpy_excl_tax): portability widened by the prices that
are not exact, each to the band its assumption gives (rules/prices.yaml price_ranges)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from tests.forecast.forecast_helpers import recipients, run

AFTER_CUT = "2026-12-01"
"""K-Premium is an upper bound (11), standard and the registration fee assumed unchanged."""
BEFORE_CUT = "2024-06-01"
"""Every price exact."""


def test_exact_prices_and_looked_up_carriers_give_a_point_range() -> None:
    plan = run(recipients(["au", "docomo"]), on=BEFORE_CUT, sender_ids=1).summary.plans["full"]
    assert plan.range_jpy_excl_tax == (plan.total_jpy_excl_tax, plan.total_jpy_excl_tax)
    assert plan.range_drivers == []


def test_the_upper_bound_lowers_the_low_end_to_the_standard_price_per_part() -> None:
    plan = run(recipients(["au"] * 3), on=AFTER_CUT, plans=["full"]).summary.plans["full"]
    assert plan.total_jpy_excl_tax == Decimal(33)
    assert plan.range_jpy_excl_tax == (Decimal(30), Decimal(33))
    (driver,) = plan.range_drivers
    assert (driver.code, driver.price, driver.assumption) == (
        "upper_bound",
        "k_premium",
        "upper_bound_low_end=standard_price",
    )
    assert (driver.low_jpy, driver.high_jpy) == (Decimal(-3), Decimal(0))


def test_bound_only_takes_the_bound_as_the_price() -> None:
    result = run(
        recipients(["au"] * 3),
        on=AFTER_CUT,
        plans=["full"],
        assume={"upper_bound_low_end": "bound_only"},
    )
    assert result.summary.plans["full"].range_jpy_excl_tax == (Decimal(33), Decimal(33))


@pytest.mark.parametrize(
    ("band", "expected"),
    [
        ("plus_minus_10_percent", (Decimal(45_030), Decimal(55_033))),
        ("plus_minus_20_percent", (Decimal(40_030), Decimal(60_033))),
        ("unchanged", (Decimal(50_030), Decimal(50_033))),
    ],
)
def test_the_assumed_unchanged_fee_band_widens_the_total(
    band: str, expected: tuple[Decimal, Decimal]
) -> None:
    result = run(
        recipients(["au"] * 3),
        on=AFTER_CUT,
        plans=["full"],
        sender_ids=1,
        assume={"assumed_unchanged_band": band},
    )
    assert result.summary.plans["full"].range_jpy_excl_tax == expected


def test_a_user_price_is_taken_as_given() -> None:
    result = run(recipients(["au"] * 3), on=AFTER_CUT, plans=["full"], prices={"k_premium": "9"})
    plan = result.summary.plans["full"]
    assert plan.range_jpy_excl_tax == (Decimal(27), Decimal(27))
    assert plan.range_drivers == []


def test_the_range_covers_the_portability_interval_and_the_total() -> None:
    frame = recipients(["au", "docomo", "softbank", "rakuten"] * 50, lookup=False)
    plan = run(frame, on=AFTER_CUT, plans=["lite"]).summary.plans["lite"]
    assert plan.interval_95_jpy_excl_tax is not None and plan.range_jpy_excl_tax is not None
    low, high = plan.range_jpy_excl_tax
    assert low <= plan.interval_95_jpy_excl_tax[0] and plan.interval_95_jpy_excl_tax[1] <= high
    assert plan.total_jpy_excl_tax is not None and low <= plan.total_jpy_excl_tax <= high
    codes = [d.code for d in plan.range_drivers]
    assert codes[0] == "portability" and "upper_bound" in codes


def test_drivers_are_worded_in_japanese_from_their_fields() -> None:
    from simulator.i18n import t

    plan = run(recipients(["au"]), on=AFTER_CUT, plans=["full"]).summary.plans["full"]
    (driver,) = plan.range_drivers
    assert "上限" in t("range_driver.upper_bound", "ja", **driver.fields)
    assert driver.text == t("range_driver.upper_bound", "en", **driver.fields)
