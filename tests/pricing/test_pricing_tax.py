"""Consumption tax: added once to a total and rounded to whole yen as the assumption says."""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_UP, Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from simulator.errors import UsageError
from simulator.pricing.book import PriceBook
from simulator.pricing.resolve import ResolvedPrices, resolve_prices
from simulator.pricing.tax import ROUNDING_MODES, tax_incl_sen
from simulator.rules.assumptions import not_modelled_warnings, resolve_settings
from simulator.rules.ruleset import RuleSet

TEN_PERCENT_DAY = dt.date(2020, 1, 1)
EIGHT_PERCENT_DAY = dt.date(2019, 9, 30)


@pytest.fixture(scope="module")
def ten_percent(book: PriceBook) -> ResolvedPrices:
    return resolve_prices(book, TEN_PERCENT_DAY)


def settings_for(ruleset: RuleSet, rounding: str) -> dict[str, str]:
    return resolve_settings(ruleset, {"tax_rounding": rounding})


@pytest.mark.parametrize(
    ("excl_sen", "rounding", "incl_sen"),
    [
        (100_000, "floor", 110_000),  # 1,000 credits + 100 JPY tax (the price page's example)
        (1_300, "floor", 1_400),  # 13 JPY -> 14.3 -> 14
        (1_300, "half_up", 1_400),
        (1_300, "ceil", 1_500),
        (1_500, "floor", 1_600),  # 16.5
        (1_500, "half_up", 1_700),
        (1_500, "ceil", 1_700),
        (0, "ceil", 0),
        (1, "floor", 0),
        (1, "ceil", 100),
    ],
)
def test_tax_is_added_once_and_rounded_to_whole_yen(
    ruleset: RuleSet, ten_percent: ResolvedPrices, excl_sen: int, rounding: str, incl_sen: int
) -> None:
    assert tax_incl_sen(excl_sen, ten_percent, settings_for(ruleset, rounding)) == incl_sen


def test_default_rounding_is_down(ruleset: RuleSet, ten_percent: ResolvedPrices) -> None:
    assert tax_incl_sen(1_500, ten_percent, resolve_settings(ruleset)) == 1_600


def test_eight_percent_before_october_2019(ruleset: RuleSet, book: PriceBook) -> None:
    prices = resolve_prices(book, EIGHT_PERCENT_DAY)
    assert tax_incl_sen(100_000, prices, resolve_settings(ruleset)) == 108_000


def test_rounding_once_on_the_total_differs_from_rounding_each_row(
    ruleset: RuleSet, ten_percent: ResolvedPrices
) -> None:
    settings = resolve_settings(ruleset)
    assert tax_incl_sen(1_500 * 2, ten_percent, settings) == 3_300
    assert 2 * tax_incl_sen(1_500, ten_percent, settings) == 3_200


def decimal_reference(excl_sen: int, percent: int, rounding: str) -> int:
    mode = {"floor": ROUND_FLOOR, "half_up": ROUND_HALF_UP, "ceil": ROUND_CEILING}[rounding]
    yen = (Decimal(excl_sen) / 100 * (100 + percent) / 100).quantize(Decimal(1), rounding=mode)
    return int(yen) * 100


@given(
    excl_sen=st.integers(0, 10**12),
    percent=st.sampled_from([0, 5, 8, 10]),
    rounding=st.sampled_from(ROUNDING_MODES),
)
def test_integer_tax_matches_decimal_arithmetic(
    book: PriceBook, excl_sen: int, percent: int, rounding: str
) -> None:
    prices = resolve_prices(book, TEN_PERCENT_DAY)
    prices = dataclasses.replace(prices, tax_rate_percent=percent)
    expected = decimal_reference(excl_sen, percent, rounding)
    assert tax_incl_sen(excl_sen, prices, {"tax_rounding": rounding}) == expected


@given(excl_sen=st.integers(0, 10**9))
def test_floor_half_up_ceil_are_ordered_and_within_one_yen(
    ruleset: RuleSet, ten_percent: ResolvedPrices, excl_sen: int
) -> None:
    low, mid, high = (
        tax_incl_sen(excl_sen, ten_percent, {"tax_rounding": r})
        for r in ("floor", "half_up", "ceil")
    )
    assert low <= mid <= high <= low + 100
    assert low % 100 == 0 and high % 100 == 0


def test_unknown_rounding_is_a_usage_error(ten_percent: ResolvedPrices) -> None:
    with pytest.raises(UsageError, match="floor, ceil, half_up"):
        tax_incl_sen(100, ten_percent, {"tax_rounding": "banker"})


def test_every_rounding_value_in_the_rules_is_implemented(ruleset: RuleSet) -> None:
    assert {v.id for v in ruleset.assumptions["tax_rounding"].values} == set(ROUNDING_MODES)


def test_purchase_date_tax_basis_only_warns(ruleset: RuleSet) -> None:
    assert not_modelled_warnings(ruleset, resolve_settings(ruleset)) == []
    settings = resolve_settings(ruleset, {"tax_rate_date": "purchase_date"})
    (warning,) = not_modelled_warnings(ruleset, settings)
    assert warning.startswith("assumption tax_rate_date=purchase_date is accepted but not modelled")
    assert "purchase dates" in warning
