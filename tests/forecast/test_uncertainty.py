"""Cost uncertainty from carriers taken from number allocation: analytic moments vs Monte Carlo."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import polars as pl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from simulator.engine.porting import PortingMatrix, load_porting
from simulator.engine.uncertainty import (
    RESULT_SCHEMA,
    SIMULATION_SCHEMA,
    cost_uncertainty,
    simulate_costs,
)
from simulator.errors import InputError, UsageError

MATRIX = load_porting()
CARRIERS = MATRIX.carriers
PLANS = ["lite", "standard"]
ROW_SCHEMA = {
    "plan": pl.Utf8(),
    "carrier_source": pl.Utf8(),
    "carrier": pl.Utf8(),
    "allocated_carrier": pl.Utf8(),
    "parts": pl.UInt32(),
}
Row = tuple[str, str, str, str | None, int]


def rows_frame(rows: list[Row]) -> pl.DataFrame:
    return pl.DataFrame(rows, schema=ROW_SCHEMA, orient="row")


def prices_frame(prices: dict[tuple[str, str], int | None]) -> pl.DataFrame:
    records = [(plan, carrier, unit) for (plan, carrier), unit in prices.items()]
    return pl.DataFrame(
        records,
        schema={"plan": pl.Utf8(), "carrier": pl.Utf8(), "unit_sen": pl.Int64()},
        orient="row",
    )


def result_by_plan(result: pl.DataFrame) -> dict[str, dict[str, object]]:
    return {r["plan"]: r for r in result.to_dicts()}


@dataclass(frozen=True)
class Reference:
    """Plain-Python moments of the list total for one plan (test oracle)."""

    point: int
    certain: int
    expected: float
    variance: float
    low: int
    high: int
    uncertain_rows: int
    max_row_range: int


def reference(
    rows: list[Row], prices: dict[tuple[str, str], int | None], matrix: PortingMatrix, plan: str
) -> Reference:
    point = certain = low = high = uncertain = max_range = 0
    expected = variance = 0.0
    for row_plan, source, carrier, allocated, parts in rows:
        if row_plan != plan:
            continue
        unit = prices[(plan, carrier)]
        assert unit is not None
        point += parts * unit
        if source == "lookup":
            certain += parts * unit
            low += parts * unit
            high += parts * unit
            expected += parts * unit
            continue
        assert allocated is not None
        uncertain += 1
        outcomes = [
            (p, parts * (prices[(plan, serving)] or 0))
            for serving, p in matrix.matrix[allocated].items()
            if p > 0
        ]
        mean = math.fsum(p * cost for p, cost in outcomes)
        expected += mean
        variance += math.fsum(p * (cost - mean) ** 2 for p, cost in outcomes)
        costs = [cost for _, cost in outcomes]
        low += min(costs)
        high += max(costs)
        max_range = max(max_range, max(costs) - min(costs))
    return Reference(point, certain, expected, variance, low, high, uncertain, max_range)


unit_price = st.integers(min_value=0, max_value=3000)


@st.composite
def price_tables(draw: st.DrawFn) -> dict[tuple[str, str], int | None]:
    return {(plan, carrier): draw(unit_price) for plan in PLANS for carrier in CARRIERS}


@st.composite
def recipient_lists(
    draw: st.DrawFn, sources: tuple[str, ...] = ("lookup", "allocation")
) -> list[Row]:
    """Batches of identical rows: random plan, source, carrier, parts 1..10 and count."""
    batches = draw(
        st.lists(
            st.tuples(
                st.sampled_from(PLANS),
                st.sampled_from(sources),
                st.sampled_from(CARRIERS),
                st.integers(min_value=1, max_value=10),
                st.integers(min_value=1, max_value=150),
            ),
            max_size=12,
        )
    )
    rows: list[Row] = []
    for plan, source, carrier, parts, count in batches:
        allocated = carrier if source == "allocation" else None
        rows.extend([(plan, source, carrier, allocated, parts)] * count)
    return rows


@given(rows=recipient_lists(), prices=price_tables())
def test_analytic_moments_match_a_plain_python_reference(
    rows: list[Row], prices: dict[tuple[str, str], int | None]
) -> None:
    result = result_by_plan(cost_uncertainty(rows_frame(rows), prices_frame(prices), MATRIX))
    for plan in PLANS:
        ref = reference(rows, prices, MATRIX, plan)
        got = result[plan]
        assert got["point_sen"] == ref.point
        assert got["certain_sen"] == ref.certain
        assert (got["min_sen"], got["max_sen"]) == (ref.low, ref.high)
        assert got["uncertain_rows"] == ref.uncertain_rows
        assert got["expected_sen"] == pytest.approx(ref.expected, rel=1e-12, abs=1e-6)
        assert got["expected_sen_rounded"] == math.floor(ref.expected + 0.5) or math.isclose(
            ref.expected % 1, 0.5, abs_tol=1e-6
        )
        assert got["std_sen"] == pytest.approx(math.sqrt(ref.variance), rel=1e-9, abs=1e-6)
        assert ref.low <= got["low_sen"] <= got["high_sen"] <= ref.high
        assert got["carrier_dependent"] == (ref.high > ref.low)
        assert got["price_unknown"] is False


@given(rows=recipient_lists(), prices=price_tables())
def test_monte_carlo_agrees_with_the_analytic_mean_and_interval(
    rows: list[Row], prices: dict[tuple[str, str], int | None]
) -> None:
    draws = 2000
    analytic = result_by_plan(cost_uncertainty(rows_frame(rows), prices_frame(prices), MATRIX))
    simulated = simulate_costs(rows_frame(rows), prices_frame(prices), MATRIX, draws=draws)
    for plan in PLANS:
        got = analytic[plan]
        costs = simulated.filter(pl.col("plan") == plan).get_column("cost_sen").to_numpy()
        assert len(costs) == draws
        std = float(got["std_sen"])
        assert abs(costs.mean() - float(got["expected_sen"])) <= 6 * std / math.sqrt(draws) + 1e-6
        assert costs.min() >= got["min_sen"] and costs.max() <= got["max_sen"]
        # The normal interval misses a lumpy sum by at most about one row's cost range (skew and
        # lattice steps) plus the sampling noise of a 2.5% quantile of 2000 draws (~0.06 sd).
        tolerance = reference(rows, prices, MATRIX, plan).max_row_range + 0.35 * std + 2
        low_mc, high_mc = np.percentile(costs, [2.5, 97.5])
        assert abs(low_mc - got["low_sen"]) <= tolerance
        assert abs(high_mc - got["high_sen"]) <= tolerance


@given(rows=recipient_lists(sources=("lookup",)), prices=price_tables())
def test_looked_up_lists_have_zero_width(
    rows: list[Row], prices: dict[tuple[str, str], int | None]
) -> None:
    result = result_by_plan(cost_uncertainty(rows_frame(rows), prices_frame(prices), MATRIX))
    for plan in PLANS:
        got = result[plan]
        point = got["point_sen"]
        assert got["std_sen"] == 0.0
        assert got["expected_sen"] == point
        assert got["low_sen"] == got["high_sen"] == got["min_sen"] == got["max_sen"] == point
        assert got["certain_sen"] == point
        assert got["uncertain_rows"] == 0
        assert got["carrier_dependent"] is False


@given(rows=recipient_lists(), flat=st.tuples(unit_price, unit_price))
def test_plans_priced_alike_on_every_carrier_have_zero_width_and_expected_equals_point(
    rows: list[Row], flat: tuple[int, int]
) -> None:
    prices = {(plan, c): unit for plan, unit in zip(PLANS, flat, strict=True) for c in CARRIERS}
    result = result_by_plan(cost_uncertainty(rows_frame(rows), prices_frame(prices), MATRIX))
    simulated = simulate_costs(rows_frame(rows), prices_frame(prices), MATRIX, draws=50)
    for plan in PLANS:
        got = result[plan]
        point = got["point_sen"]
        assert got["std_sen"] == 0.0
        assert got["expected_sen"] == point
        assert got["expected_sen_rounded"] == point
        assert got["low_sen"] == got["high_sen"] == point
        assert got["carrier_dependent"] is False
        costs = simulated.filter(pl.col("plan") == plan).get_column("cost_sen")
        assert costs.unique().to_list() == [point]


LITE = {("lite", "docomo"): 1100, ("lite", "au"): 1100, ("lite", "softbank"): 1000}
LITE[("lite", "rakuten")] = 1100


def test_lite_charges_ported_softbank_numbers_at_the_standard_price() -> None:
    rows = rows_frame([("lite", "allocation", "au", "au", 1)])
    got = result_by_plan(cost_uncertainty(rows, prices_frame(LITE), MATRIX))["lite"]
    p_softbank = MATRIX.matrix["au"]["softbank"]
    assert got["point_sen"] == 1100
    assert got["expected_sen"] == pytest.approx(1100 - 100 * p_softbank)
    assert got["std_sen"] == pytest.approx(100 * math.sqrt(p_softbank * (1 - p_softbank)))
    assert got["carrier_dependent"] is True


def test_few_uncertain_rows_get_an_interval_clipped_to_attainable_costs() -> None:
    rows = rows_frame([("lite", "allocation", "au", "au", 1), ("lite", "lookup", "au", None, 2)])
    got = result_by_plan(cost_uncertainty(rows, prices_frame(LITE), MATRIX))["lite"]
    assert (got["min_sen"], got["max_sen"]) == (3200, 3300)
    assert got["certain_sen"] == 2200
    assert got["uncertain_rows"] == 1
    unclipped_high = got["expected_sen"] + 1.96 * got["std_sen"]
    assert unclipped_high > 3300
    assert got["high_sen"] == 3300
    assert 3200 <= got["low_sen"] < got["expected_sen"]


def test_interval_is_rounded_outward_and_narrows_with_the_level() -> None:
    rows = rows_frame([("lite", "allocation", "docomo", "docomo", 3)] * 400)
    wide = result_by_plan(cost_uncertainty(rows, prices_frame(LITE), MATRIX))["lite"]
    narrow = result_by_plan(cost_uncertainty(rows, prices_frame(LITE), MATRIX, level=0.5))["lite"]
    expected, std = float(wide["expected_sen"]), float(wide["std_sen"])
    assert wide["low_sen"] == math.floor(expected - 1.959963984540054 * std)
    assert wide["high_sen"] == math.ceil(expected + 1.959963984540054 * std)
    assert wide["low_sen"] < narrow["low_sen"] <= narrow["high_sen"] < wide["high_sen"]


def test_no_porting_makes_allocated_carriers_certain() -> None:
    rows = rows_frame([("lite", "allocation", c, c, 2) for c in CARRIERS] * 10)
    got = result_by_plan(cost_uncertainty(rows, prices_frame(LITE), MATRIX.without_porting()))
    lite = got["lite"]
    assert lite["std_sen"] == 0.0
    assert lite["expected_sen"] == lite["point_sen"] == lite["low_sen"] == lite["high_sen"]
    assert lite["carrier_dependent"] is False


def test_empty_input_costs_zero_for_every_priced_plan() -> None:
    prices = {(plan, c): 1000 for plan in PLANS for c in CARRIERS}
    result = cost_uncertainty(rows_frame([]), prices_frame(prices), MATRIX)
    assert result.schema == pl.Schema(RESULT_SCHEMA)
    assert result.get_column("plan").to_list() == PLANS
    for got in result.to_dicts():
        assert got["point_sen"] == got["expected_sen"] == got["std_sen"] == 0
        assert got["low_sen"] == got["high_sen"] == got["min_sen"] == got["max_sen"] == 0
        assert got["uncertain_rows"] == 0
        assert got["carrier_dependent"] is False and got["price_unknown"] is False
    simulated = simulate_costs(rows_frame([]), prices_frame(prices), MATRIX, draws=10)
    assert simulated.schema == pl.Schema(SIMULATION_SCHEMA)
    assert simulated.height == 20
    assert simulated.get_column("cost_sen").unique().to_list() == [0]


def test_unknown_unit_price_makes_the_plan_null_and_flags_it() -> None:
    prices = {**LITE, ("lite", "softbank"): None}
    prices.update({("standard", c): 1000 for c in CARRIERS})
    rows = rows_frame(
        [("lite", "allocation", "au", "au", 1), ("standard", "allocation", "au", "au", 1)]
    )
    result = result_by_plan(cost_uncertainty(rows, prices_frame(prices), MATRIX))
    lite = result["lite"]
    assert lite["price_unknown"] is True
    amounts = [c for c in RESULT_SCHEMA if c not in ("plan", "uncertain_rows", "price_unknown")]
    assert all(lite[c] is None for c in amounts)
    assert lite["uncertain_rows"] == 1
    assert result["standard"]["price_unknown"] is False
    assert result["standard"]["expected_sen"] == 1000
    simulated = simulate_costs(rows, prices_frame(prices), MATRIX, draws=5)
    assert simulated.filter(pl.col("plan") == "lite").get_column("cost_sen").null_count() == 5
    assert simulated.filter(pl.col("plan") == "standard").get_column("cost_sen").null_count() == 0


def test_unknown_price_that_no_row_can_reach_does_not_matter() -> None:
    prices = {**LITE, ("lite", "softbank"): None}
    rows = rows_frame([("lite", "lookup", "au", None, 1)])
    got = result_by_plan(cost_uncertainty(rows, prices_frame(prices), MATRIX))["lite"]
    assert got["price_unknown"] is False
    assert got["expected_sen"] == 1100


def test_plan_missing_from_the_price_table_is_flagged() -> None:
    rows = rows_frame([("full", "lookup", "au", None, 1)])
    got = result_by_plan(cost_uncertainty(rows, prices_frame(LITE), MATRIX))
    assert got["full"]["price_unknown"] is True
    assert got["full"]["point_sen"] is None


def test_lazy_input_and_unsigned_parts_are_accepted() -> None:
    rows = rows_frame([("lite", "allocation", "au", "au", 3)] * 5)
    eager = cost_uncertainty(rows, prices_frame(LITE), MATRIX)
    lazy = cost_uncertainty(rows.lazy(), prices_frame(LITE), MATRIX)
    assert eager.equals(lazy)


def test_simulation_is_reproducible_for_a_seed() -> None:
    rows = rows_frame([("lite", "allocation", c, c, 2) for c in CARRIERS] * 25)
    first = simulate_costs(rows, prices_frame(LITE), MATRIX, draws=100, seed=7)
    again = simulate_costs(rows.lazy(), prices_frame(LITE), MATRIX, draws=100, seed=7)
    other = simulate_costs(rows, prices_frame(LITE), MATRIX, draws=100, seed=8)
    assert first.equals(again)
    assert not first.equals(other)
    assert first.get_column("draw").to_list() == list(range(100))


BAD_ROWS: list[tuple[str, list[Row], str]] = [
    (
        "unknown_source",
        [("lite", "lookup", "au", None, 1), ("lite", "guess", "au", None, 1)],
        r"rows\[1\]: carrier_source must be lookup or allocation",
    ),
    (
        "allocation_without_allocated_carrier",
        [("lite", "allocation", "au", None, 1)],
        r"rows\[0\]: allocated_carrier must be one of",
    ),
    (
        "allocated_carrier_not_in_matrix",
        [("lite", "lookup", "au", None, 1)] * 3 + [("lite", "allocation", "au", "kddi", 1)],
        r"rows\[3\]: allocated_carrier",
    ),
]


@pytest.mark.parametrize(
    ("rows", "message"), [c[1:] for c in BAD_ROWS], ids=[c[0] for c in BAD_ROWS]
)
def test_bad_rows_are_input_errors_naming_the_row(rows: list[Row], message: str) -> None:
    with pytest.raises(InputError, match=message):
        cost_uncertainty(rows_frame(rows), prices_frame(LITE), MATRIX)
    with pytest.raises(InputError, match=message):
        simulate_costs(rows_frame(rows), prices_frame(LITE), MATRIX)


def test_missing_column_is_an_input_error() -> None:
    rows = rows_frame([("lite", "lookup", "au", None, 1)]).drop("parts")
    with pytest.raises(InputError, match="no column parts"):
        cost_uncertainty(rows, prices_frame(LITE), MATRIX)


def test_price_given_twice_is_an_input_error() -> None:
    prices = pl.concat([prices_frame(LITE), prices_frame({("lite", "au"): 1})])
    with pytest.raises(InputError, match="given twice"):
        cost_uncertainty(rows_frame([]), prices, MATRIX)


@pytest.mark.parametrize("level", [0.0, 1.0, 1.5])
def test_interval_level_must_be_between_0_and_1(level: float) -> None:
    with pytest.raises(UsageError, match="level"):
        cost_uncertainty(rows_frame([]), prices_frame(LITE), MATRIX, level=level)


def test_simulation_needs_at_least_one_draw() -> None:
    with pytest.raises(UsageError, match="draws"):
        simulate_costs(rows_frame([]), prices_frame(LITE), MATRIX, draws=0)


def test_weighted_rows_give_the_same_uncertainty_as_the_rows_they_stand_for() -> None:
    rows = [
        ("lite", "allocation", "softbank", "softbank", 2),
        ("lite", "allocation", "docomo", "docomo", 1),
        ("lite", "lookup", "au", None, 3),
    ]
    counts = [5, 0, 7]
    expanded = [row for row, n in zip(rows, counts, strict=True) for _ in range(n)]
    weighted = rows_frame(rows).with_columns(n=pl.Series(counts, dtype=pl.Int64))
    got = result_by_plan(cost_uncertainty(weighted, prices_frame(LITE), MATRIX))["lite"]
    want = result_by_plan(cost_uncertainty(rows_frame(expanded), prices_frame(LITE), MATRIX))[
        "lite"
    ]
    # the float sums run in group order, which polars does not fix: equal to the last bits
    assert got == {
        k: pytest.approx(v, rel=1e-12) if isinstance(v, float) else v for k, v in want.items()
    }


def test_a_negative_weight_is_an_input_error_naming_its_row() -> None:
    weighted = rows_frame([("lite", "lookup", "au", None, 1)] * 2).with_columns(
        n=pl.Series([1, -1], dtype=pl.Int64)
    )
    with pytest.raises(InputError, match=r"rows\[1\]"):
        cost_uncertainty(weighted, prices_frame(LITE), MATRIX)
