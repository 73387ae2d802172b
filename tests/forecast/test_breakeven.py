"""Break-even points: exactly where two cost curves cross, or None when they do not."""

from __future__ import annotations

import datetime as dt
import functools
import math
from fractions import Fraction

import polars as pl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from simulator.analysis.breakeven import (
    Affine,
    PiecewiseAffine,
    carrier_share_where_full_exceeds_lite_by,
    crossing,
    difference,
    volume_where_cost_per_message_reaches,
    volume_where_plans_cost_the_same,
)
from simulator.analysis.sweep import CarrierShare, Mix, Volume, sweep
from simulator.errors import NotApplicableError, UsageError

DAY = dt.date(2025, 6, 1)
MIXES = [
    {"docomo": 4, "au": 3, "softbank": 2, "rakuten": 1},
    {"docomo": 1, "softbank": 1},
    {"au": 1},
    {"softbank": 5, "rakuten": 3},
]
SMALL = st.fractions(min_value=-50, max_value=50, max_denominator=12)
AMOUNTS = st.decimals(min_value=0, max_value=200, places=2)


def sign(x: Fraction) -> int:
    return (x > 0) - (x < 0)


@given(a=SMALL, b=SMALL, c=SMALL, d=SMALL, lo=SMALL, width=st.fractions(0, 40))
def test_two_lines_cross_at_their_intersection_or_not_at_all(
    a: Fraction, b: Fraction, c: Fraction, d: Fraction, lo: Fraction, width: Fraction
) -> None:
    f, g = Affine(a, b), Affine(c, d)
    hi = lo + width
    x = crossing(f, g, lo, hi)
    if b == d:
        assert x == (lo if a == c else None)
        return
    root = (c - a) / (b - d)
    assert x == (root if lo <= root <= hi else None)
    if x is not None:
        assert f(x) == g(x)


curve_points = st.lists(
    st.tuples(st.fractions(-20, 20, max_denominator=8), SMALL),
    min_size=2,
    max_size=7,
    unique_by=lambda p: p[0],
)


@given(f_points=curve_points, g_points=curve_points, lo=SMALL, width=st.fractions(0, 60))
def test_continuous_curves_meet_at_the_returned_point_and_nowhere_before(
    f_points: list[tuple[Fraction, Fraction]],
    g_points: list[tuple[Fraction, Fraction]],
    lo: Fraction,
    width: Fraction,
) -> None:
    f, g = PiecewiseAffine.through(f_points), PiecewiseAffine.through(g_points)
    hi = lo + width
    x = crossing(f, g, lo, hi)
    knots = sorted({lo, hi, *(b for b in difference(f, g).breaks if lo <= b <= hi)})

    def gap(t: Fraction) -> Fraction:
        return f(t) - g(t)

    if x is None:
        signs = {sign(gap(k)) for k in knots}
        assert len(signs) == 1 and 0 not in signs
        return
    assert lo <= x <= hi
    assert f(x) == g(x)
    before = [k for k in knots if k < x]
    assert len({sign(gap(k)) for k in before}) <= 1
    assert all(gap(k) != 0 for k in before)


@pytest.mark.parametrize(
    ("f", "g", "lo", "hi", "expected"),
    [
        (Affine.of(0, 1), Affine.of(5, 1), 0, 100, None),
        (Affine.of(0, 1), Affine.of(5, 0), 0, 4, None),
        (Affine.of(0, 1), Affine.of(5, 0), 0, 5, Fraction(5)),
        (Affine.of(0, 1), Affine.of(5, 0), 0, None, Fraction(5)),
        (Affine.of(2, 3), Affine.of(2, 3), 1, 2, Fraction(1)),
        (
            PiecewiseAffine((Fraction(3),), (Affine.of(0, 0), Affine.of(10, 0))),
            Affine.of(5, 0),
            0,
            10,
            Fraction(3),
        ),
        (
            PiecewiseAffine((Fraction(3),), (Affine.of(0, 0), Affine.of(4, 0))),
            Affine.of(5, 0),
            0,
            10,
            None,
        ),
    ],
    ids=[
        "parallel",
        "crossing beyond hi",
        "crossing at hi",
        "no upper bound",
        "identical lines meet at lo",
        "step jumps across the line",
        "step stays below the line",
    ],
)
def test_crossing_cases(
    f: Affine | PiecewiseAffine,
    g: Affine | PiecewiseAffine,
    lo: int,
    hi: int | None,
    expected: Fraction | None,
) -> None:
    assert crossing(f, g, lo, hi) == expected


def test_an_empty_interval_is_a_usage_error() -> None:
    with pytest.raises(UsageError, match="empty"):
        crossing(Affine.of(0, 1), Affine.of(1, 0), 2, 1)


@functools.cache
def totals_per_volume(mix_index: int, plan: str) -> tuple[Fraction, Fraction]:
    """(fees, cost per message) in JPY read off two sweep points whose counts are exact."""
    weights = MIXES[mix_index]
    n = sum(weights.values())
    frame = sweep(weights, Volume([n, 2 * n]), as_of=DAY, message="Hello", plans=[plan])
    totals = frame.select(pl.col("cost_sen") + pl.col("fixed_fees_sen"))["cost_sen"]
    one, two = (Fraction(t, 100) for t in totals)
    per_message = (two - one) / n
    return one - per_message * n, per_message


@given(mix_index=st.integers(0, len(MIXES) - 1), budget=AMOUNTS)
def test_lite_cost_per_message_reaches_the_budget_exactly_at_the_returned_volume(
    mix_index: int, budget: object
) -> None:
    fees, per_message = totals_per_volume(mix_index, "lite")
    target = Fraction(str(budget))
    found = volume_where_cost_per_message_reaches(
        target, "lite", MIXES[mix_index], as_of=DAY, message="Hello"
    )
    if target <= per_message:
        assert found is None
        return
    assert found is not None
    v = found.messages_exact
    assert fees + per_message * v == target * v
    assert found.messages == max(1, math.ceil(v))
    assert fees / found.messages + per_message <= target
    if found.messages > 1:
        assert fees / (found.messages - 1) + per_message > target
    assert (found.fixed_fees_jpy, found.cost_per_message_jpy) == (fees, per_message)


@functools.cache
def gap_at_ends(mix_index: int, volume: int) -> tuple[Fraction, Fraction]:
    """full − lite totals in JPY at 0% and 100% SoftBank recipients, from the sweep."""
    frame = sweep(
        MIXES[mix_index],
        CarrierShare("softbank", [0, 1]),
        as_of=DAY,
        message="Hello",
        volume=volume,
        plans=["lite", "full"],
    )
    wide = frame.pivot("plan", index="softbank_share", values="cost_sen").sort("softbank_share")
    gaps = (wide["full"] - wide["lite"]).to_list()
    return Fraction(gaps[0], 100), Fraction(gaps[1], 100)


@given(
    mix_index=st.sampled_from([0, 1, 3]),
    volume=st.sampled_from([100, 2500, 40_000]),
    amount=st.decimals(min_value=-10, max_value=50_000, places=2),
)
def test_softbank_share_where_full_exceeds_lite_sits_on_the_cost_gap_line(
    mix_index: int, volume: int, amount: object
) -> None:
    at_zero, at_one = gap_at_ends(mix_index, volume)
    target = Fraction(str(amount))
    share = carrier_share_where_full_exceeds_lite_by(
        target, carrier="softbank", volume=volume, mix=MIXES[mix_index], as_of=DAY, message="Hi"
    )
    if not min(at_zero, at_one) <= target <= max(at_zero, at_one):
        assert share is None
        return
    assert share is not None
    assert 0 <= share <= 1
    assert at_zero + share * (at_one - at_zero) == target


def test_full_costs_one_yen_more_per_softbank_recipient_so_the_share_is_exact() -> None:
    share = carrier_share_where_full_exceeds_lite_by(
        2_500, carrier="softbank", volume=10_000, mix=MIXES[0], as_of=DAY, message="Hello"
    )
    assert share == Fraction(1, 4)


def test_lite_never_becomes_cheaper_than_standard_at_default_prices() -> None:
    assert (
        volume_where_plans_cost_the_same("lite", "standard", MIXES[0], as_of=DAY, message="Hi")
        is None
    )


def test_a_kpremium_price_below_standard_makes_lite_pay_back_its_fee() -> None:
    volume = volume_where_plans_cost_the_same(
        "lite", "standard", MIXES[2], as_of=DAY, message="Hi", prices={"k_premium": "9"}
    )
    assert volume == 50_000
    frame = sweep(
        MIXES[2],
        Volume([49_999, 50_000, 50_001]),
        as_of=DAY,
        message="Hi",
        prices={"k_premium": "9"},
        plans=["standard", "lite"],
    )
    wide = frame.pivot("plan", index="messages", values="total_jpy_excl_tax")
    assert (wide["lite"] - wide["standard"]).sign().to_list() == [1, 0, -1]


def test_allocated_mix_uses_the_expected_cost_under_porting() -> None:
    mix = Mix.of(MIXES[0], carrier_source="allocation")
    found = volume_where_cost_per_message_reaches(12, "lite", mix, as_of=DAY, message="Hi")
    frame = sweep(mix, Volume([10_000]), as_of=DAY, message="Hi", plans=["lite"])
    assert found is not None
    assert float(found.cost_per_message_jpy) == pytest.approx(
        frame["expected_cost_jpy_excl_tax"].item() / 10_000, rel=1e-3
    )


@pytest.mark.parametrize(
    ("on", "message", "match"),
    [
        ("2016-01-01", "Hi", "unknown"),
        ("2025-06-01", "あ" * 71, "cannot send"),
        ("2017-01-01", "Hi", "cannot send"),
    ],
)
def test_unknown_prices_and_unsendable_plans_have_no_break_even(
    on: str, message: str, match: str
) -> None:
    plan = "full" if on == "2016-01-01" else "lite"
    with pytest.raises(NotApplicableError, match=match):
        volume_where_cost_per_message_reaches(10, plan, MIXES[0], as_of=on, message=message)


def test_sweep_and_break_even_agree_on_where_lite_reaches_twelve_yen() -> None:
    found = volume_where_cost_per_message_reaches(12, "lite", MIXES[0], as_of=DAY, message="Hi")
    assert found is not None
    around = [found.messages - 10, found.messages + 10]
    frame = sweep(MIXES[0], Volume(around), as_of=DAY, message="Hi", plans=["lite"])
    per_message = frame.select(pl.col("cost_per_message_jpy") - 12)["cost_per_message_jpy"]
    assert per_message.sign().to_list() == [1, -1]
