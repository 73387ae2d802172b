"""Sweeps: a tidy grid of costs per plan that agrees with `forecast` on a list of the same mix."""

from __future__ import annotations

import datetime as dt
from fractions import Fraction

import polars as pl
import pytest
from forecast_helpers import recipients, run
from hypothesis import given
from hypothesis import strategies as st

from simulator.analysis.run import ForecastOptions, forecast
from simulator.analysis.sweep import (
    RESULT_COLUMNS,
    CarrierShare,
    MessageLength,
    Mix,
    PortingShare,
    UnitPrice,
    Volume,
    sweep,
)
from simulator.engine.porting import load_porting
from simulator.engine.rates import unit_prices_by_carrier
from simulator.engine.tables import resolved_rules
from simulator.engine.uncertainty import cost_uncertainty
from simulator.errors import UsageError
from simulator.numbers.tables import allocation_table
from simulator.pricing.book import load_default_price_book
from simulator.pricing.resolve import resolve_prices
from simulator.result import ForecastResult
from simulator.rules.assumptions import resolve_settings
from simulator.rules.ruleset import load_ruleset

RULES = load_ruleset()
CARRIERS = list(RULES.carriers)
PLANS = list(RULES.plans)
DAY = dt.date(2025, 6, 1)
MIX = {"docomo": 0.4, "au": 0.3, "softbank": 0.25, "rakuten": 0.05}


def allocated_numbers(counts: dict[str, int]) -> pl.DataFrame:
    """Distinct mobile numbers whose allocating carrier is the key, no lookup column."""
    _, table = allocation_table("81", RULES.carriers.values())
    first_prefix = {}
    for prefix, carrier in table.items():
        first_prefix.setdefault(carrier, prefix)
    phones = [f"0{first_prefix[carrier]}{i:05d}" for carrier, n in counts.items() for i in range(n)]
    return pl.DataFrame({"phone": phones})


def looked_up(counts: dict[str, int]) -> pl.DataFrame:
    return recipients([c for c, n in counts.items() for _ in range(n)])


def as_counts(mix: Mix, volume: int) -> dict[str, int]:
    return {e.carrier: n for e, n in zip(mix.entries, mix.counts(volume), strict=True)}


def test_grid_has_one_row_per_point_and_plan_with_inputs_first() -> None:
    frame = sweep(
        MIX,
        [Volume([10, 100, 1000]), CarrierShare("softbank", [0, 0.5])],
        as_of=DAY,
        message="Hello",
    )
    assert frame.height == 3 * 2 * len(PLANS)
    assert frame.columns == ["messages", "softbank_share", *list(RESULT_COLUMNS)[1:]]
    assert dict(frame.schema)["cost_sen"] == pl.Int64()
    assert dict(frame.schema)["cost_jpy_excl_tax"] == pl.Float64()
    assert frame.select("messages", "softbank_share").unique().height == 6
    assert frame["plan"].to_list()[: len(PLANS)] == PLANS


def test_single_axis_keeps_messages_column_from_volume_argument() -> None:
    frame = sweep(MIX, PortingShare([0.15, 0.35]), as_of=DAY, message="Hi", volume=50)
    assert frame.columns[:3] == ["porting_share", "messages", "plan"]
    assert set(frame["messages"]) == {50}


@given(
    weights=st.lists(st.integers(0, 20), min_size=len(CARRIERS), max_size=len(CARRIERS)).filter(
        any
    ),
    volumes=st.lists(st.integers(1, 5000), min_size=2, max_size=8, unique=True),
)
def test_costs_never_fall_as_volume_grows(weights: list[int], volumes: list[int]) -> None:
    mix = dict(zip(CARRIERS, weights, strict=True))
    frame = sweep(mix, Volume(sorted(volumes)), as_of=DAY, message="Hello", plans=["lite"])
    totals = frame["total_jpy_excl_tax"].to_list()
    assert totals == sorted(totals)
    per_message = frame["cost_per_message_jpy"].to_list()
    assert per_message == sorted(per_message, reverse=True)


@given(
    weights=st.lists(st.integers(0, 50), min_size=1, max_size=8).filter(any),
    volume=st.integers(1, 100_000),
)
def test_counts_add_up_to_the_volume_and_stay_within_one_of_the_exact_share(
    weights: list[int], volume: int
) -> None:
    mix = Mix.of({f"c{i}": w for i, w in enumerate(weights)})
    counts = mix.counts(volume)
    assert sum(counts) == volume
    for entry, n in zip(mix.entries, counts, strict=True):
        assert abs(n - entry.share * volume) < 1


@pytest.mark.parametrize(
    ("on", "volume", "message", "assume"),
    [
        ("2025-06-01", 37, "Hello", {}),
        ("2025-06-01", 200, "こんにちは、セールのお知らせです", {"rakuten_under_lite": "standard"}),
        ("2020-06-01", 61, "x" * 150, {}),
        ("2019-01-10", 23, "Hi", {}),
    ],
)
def test_sweep_point_equals_forecast_of_a_looked_up_list_with_that_mix(
    on: str, volume: int, message: str, assume: dict[str, str]
) -> None:
    counts = as_counts(Mix.of(MIX), volume)
    result = run(looked_up(counts), on=on, message=message, assume=assume, sender_ids=1)
    frame = sweep(MIX, Volume([volume]), as_of=on, message=message, assume=assume)
    for row in frame.to_dicts():
        plan = result.summary.plans[row["plan"]]
        assert row["sendable"] == plan.sendable
        cost = plan.cost_jpy_excl_tax
        assert row["cost_sen"] == (None if cost is None else int(cost * 100))
        assert row["fixed_fees_jpy"] == (
            None if plan.fixed_fees_jpy is None else float(plan.fixed_fees_jpy)
        )
        total = plan.total_jpy_excl_tax
        assert row["total_jpy_excl_tax"] == (None if total is None else float(total))


def test_sweep_point_equals_forecast_of_an_allocated_list_including_expected_cost() -> None:
    mix = Mix.of(MIX, carrier_source="allocation")
    volume = 120
    result = run(allocated_numbers(as_counts(mix, volume)), on=DAY, message="Hello")
    frame = sweep(mix, Volume([volume]), as_of=DAY, message="Hello")
    for row in frame.to_dicts():
        plan = result.summary.plans[row["plan"]]
        assert row["cost_sen"] == int(plan.cost_jpy_excl_tax * 100)
        assert row["expected_cost_jpy_excl_tax"] == pytest.approx(
            plan.expected_cost_jpy_excl_tax, abs=0.01
        )


def test_mix_from_forecast_reprices_the_forecast_exactly() -> None:
    sample = looked_up({"docomo": 7, "au": 5, "softbank": 4, "rakuten": 1})
    result = run(sample, on=DAY, message="Hello", sender_ids=1)
    frame = sweep(result, Volume([17]), as_of=DAY, message="Hello")
    for row in frame.to_dicts():
        assert row["cost_sen"] == int(result.summary.plans[row["plan"]].cost_jpy_excl_tax * 100)


def test_carrier_share_axis_scales_the_other_carriers_alike() -> None:
    mix = Mix.of(MIX).with_carrier_share("softbank", Fraction(1, 2))
    shares = mix.carrier_shares()
    assert shares["softbank"] == Fraction(1, 2)
    assert shares["docomo"] / shares["au"] == Fraction(4, 3)
    assert sum(shares.values()) == 1


def test_lite_and_full_differ_only_by_softbank_recipients_at_the_kpremium_premium() -> None:
    frame = sweep(
        MIX, CarrierShare("softbank", [0, 1]), as_of=DAY, message="Hello", volume=1000
    ).filter(pl.col("plan").is_in(["lite", "full"]))
    gap = frame.pivot("plan", index="softbank_share", values="cost_sen").with_columns(
        gap=pl.col("full") - pl.col("lite")
    )
    assert gap["gap"].to_list() == [0, 1000 * 100]


def test_unit_price_axis_equals_a_price_override() -> None:
    axis = sweep(MIX, UnitPrice("k_premium", [9.5]), as_of=DAY, message="Hi", volume=300)
    override = sweep(MIX, Volume([300]), as_of=DAY, message="Hi", prices={"k_premium": "9.50"})
    assert axis["cost_sen"].to_list() == override["cost_sen"].to_list()
    assert axis["k_premium_jpy_per_part"].to_list() == [9.5] * len(PLANS)


def test_japanese_message_over_70_characters_cannot_go_kpremium() -> None:
    frame = sweep(MIX, MessageLength([70, 71], alphabet="japanese"), as_of=DAY, volume=10).filter(
        pl.col("message_chars") == 71
    )
    by_plan = {r["plan"]: r for r in frame.to_dicts()}
    assert by_plan["standard"]["sendable"] and by_plan["standard"]["parts_per_message"] == 2
    assert not by_plan["lite"]["sendable"] and by_plan["lite"]["cost_sen"] is None


@pytest.mark.parametrize("share", [0.0, 0.15, 0.35])
def test_porting_share_gives_the_expected_cost_of_the_rescaled_matrix(share: float) -> None:
    mix = Mix.of(MIX, carrier_source="allocation")
    volume = 400
    frame = sweep(mix, PortingShare([share]), as_of=DAY, message="Hello", volume=volume)
    settings = resolve_settings(RULES, {})
    units = resolve_prices(load_default_price_book(), DAY).unit_price_frame()
    rows = pl.DataFrame(
        [
            (plan, "allocation", e.carrier, e.carrier, 1)
            for plan in PLANS
            for e, n in zip(mix.entries, mix.counts(volume), strict=True)
            for _ in range(n)
        ],
        schema=["plan", "carrier_source", "carrier", "allocated_carrier", "parts"],
        orient="row",
    )
    expected = cost_uncertainty(
        rows,
        unit_prices_by_carrier(resolved_rules(RULES, DAY, settings), units),
        load_porting().with_porting_share(share),
    )
    for row in frame.to_dicts():
        want = expected.filter(pl.col("plan") == row["plan"])["expected_sen"].item()
        assert row["expected_cost_jpy_excl_tax"] == pytest.approx(want / 100, rel=1e-12)
    if share == 0.0:
        assert frame["expected_cost_jpy_excl_tax"].to_list() == frame["cost_jpy_excl_tax"].to_list()


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"mix": MIX, "axes": Volume([1]), "message": "{name}さん"}, "template"),
        (
            {"mix": {"docomo": 1, "kddi": 1}, "axes": Volume([1]), "message": "Hi"},
            "unknown carrier",
        ),
        ({"mix": MIX, "axes": PortingShare([0.2]), "message": "Hi"}, "volume"),
        ({"mix": MIX, "axes": [Volume([1]), Volume([2])], "message": "Hi"}, "same input"),
        ({"mix": MIX, "axes": Volume([0]), "message": "Hi"}, "volume"),
        ({"mix": {"docomo": 0}, "axes": Volume([1]), "message": "Hi"}, "zero"),
        (
            {"mix": MIX, "axes": UnitPrice("k_premium", [1.005]), "message": "Hi", "volume": 1},
            "2 decimals",
        ),
        ({"mix": MIX, "axes": Volume([1]), "message": "Hi", "colour": "red"}, "unknown option"),
    ],
)
def test_bad_sweeps_are_usage_errors(kwargs: dict[str, object], message: str) -> None:
    args = dict(kwargs)
    mix, axes = args.pop("mix"), args.pop("axes")
    with pytest.raises(UsageError, match=message):
        sweep(mix, axes, as_of=DAY, **args)  # type: ignore[arg-type]


def test_without_porting_allocated_carriers_cost_what_looked_up_ones_do() -> None:
    counts = {"docomo": 3, "softbank": 2}
    frame = sweep(
        counts,
        Volume([5]),
        as_of=DAY,
        message="Hello",
        assume={"porting_matrix": "no_porting"},
    )
    result = ForecastResult.of(
        forecast(
            allocated_numbers(counts),
            ForecastOptions(message="Hello", as_of=DAY, assume={"porting_matrix": "no_porting"}),
        )
    )
    for row in frame.to_dicts():
        plan = result.summary.plans[row["plan"]]
        assert row["expected_cost_jpy_excl_tax"] == float(plan.expected_cost_jpy_excl_tax)
