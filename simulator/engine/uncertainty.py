"""The uncertainty moments: cost of a recipient list when carriers taken from number allocation
may have been ported (the porting joins, the mean and variance per group, a 95% range).

A row whose carrier was looked up costs exactly `parts × unit price`. A row whose carrier came
from the number's allocation is served by carrier s with probability P(s | allocated) (the
porting matrix), so under a plan that prices carriers differently its cost is a discrete random
variable. Rows are independent, so the list total has mean Σ n·E and variance Σ n·Var over the
groups (plan, allocated_carrier, parts) of n identical rows.
"""

from __future__ import annotations

import math
from statistics import NormalDist

import polars as pl

from simulator.engine.porting import PortingMatrix
from simulator.errors import InputError, UsageError

LOOKUP = "lookup"
ALLOCATION = "allocation"

ROWS_SCHEMA: dict[str, pl.DataType] = {
    "plan": pl.Utf8(),
    "carrier_source": pl.Utf8(),
    "carrier": pl.Utf8(),
    "allocated_carrier": pl.Utf8(),
    "parts": pl.Int64(),
}
PRICES_SCHEMA: dict[str, pl.DataType] = {
    "plan": pl.Utf8(),
    "carrier": pl.Utf8(),
    "unit_sen": pl.Int64(),
}
RESULT_SCHEMA: dict[str, pl.DataType] = {
    "plan": pl.Utf8(),
    "point_sen": pl.Int64(),
    "expected_sen": pl.Float64(),
    "expected_sen_rounded": pl.Int64(),
    "std_sen": pl.Float64(),
    "low_sen": pl.Int64(),
    "high_sen": pl.Int64(),
    "min_sen": pl.Int64(),
    "max_sen": pl.Int64(),
    "certain_sen": pl.Int64(),
    "uncertain_rows": pl.Int64(),
    "carrier_dependent": pl.Boolean(),
    "price_unknown": pl.Boolean(),
}
SIMULATION_SCHEMA: dict[str, pl.DataType] = {
    "plan": pl.Utf8(),
    "draw": pl.Int64(),
    "cost_sen": pl.Int64(),
}

WEIGHT = "n"
"""Optional column of `rows`: how many identical rows the row stands for (1 without it)."""
GROUP_KEY = ["plan", "allocated_carrier", "parts"]
ROW_KEY = ["plan", "carrier_source", "carrier", "allocated_carrier", "parts"]


def _frame_with(
    frame: pl.LazyFrame | pl.DataFrame, schema: dict[str, pl.DataType], what: str
) -> pl.LazyFrame:
    """The named columns of `frame`, cast to `schema`; a missing column is an InputError."""
    lazy = frame.lazy()
    missing = [c for c in schema if c not in lazy.collect_schema()]
    if missing:
        raise InputError(
            f"{what} has no column {', '.join(missing)}", hint=f"expected {', '.join(schema)}"
        )
    return lazy.select(pl.col(name).cast(dtype, strict=True) for name, dtype in schema.items())


def _row_problems(allocated_carriers: list[str]) -> list[tuple[pl.Expr, str]]:
    """Conditions that make a row unusable, each with what to tell the user."""
    source = pl.col("carrier_source")
    return [
        (pl.col("plan").is_null(), "plan is empty"),
        (
            source.is_null() | ~source.is_in([LOOKUP, ALLOCATION]),
            f"carrier_source must be {LOOKUP} or {ALLOCATION}",
        ),
        (pl.col("carrier").is_null(), "carrier is empty (give the carrier of the point estimate)"),
        (pl.col("parts").is_null() | (pl.col("parts") < 0), "parts must be a whole number >= 0"),
        (
            (source == ALLOCATION)
            & (
                pl.col("allocated_carrier").is_null()
                | ~pl.col("allocated_carrier").is_in(allocated_carriers)
            ),
            f"allocated_carrier must be one of {', '.join(allocated_carriers)} for "
            f"{ALLOCATION} rows",
        ),
    ]


def _row_groups(rows: pl.LazyFrame | pl.DataFrame, matrix: PortingMatrix) -> pl.DataFrame:
    """Identical rows counted once (column `n`); a bad row is an InputError naming its index.
    Rows that carry a WEIGHT column are groups already: each stands for that many rows."""
    lazy = rows.lazy()
    weighted = WEIGHT in lazy.collect_schema()
    typed = _frame_with(lazy, {**ROWS_SCHEMA, **({WEIGHT: pl.Int64()} if weighted else {})}, "rows")
    count = pl.col(WEIGHT).sum() if weighted else pl.len()
    if weighted:
        bad = typed.with_row_index("row").filter(pl.col(WEIGHT).is_null() | (pl.col(WEIGHT) < 0))
        first_bad = bad.select("row").head(1).collect()
        if first_bad.height:
            raise InputError(f"rows[{first_bad.item()}]: {WEIGHT} must be a whole number >= 0")
        typed = typed.filter(pl.col(WEIGHT) != 0)
    try:
        groups = typed.group_by(ROW_KEY).agg(n=count.cast(pl.Int64)).collect()
    except pl.exceptions.PolarsError as exc:
        raise InputError(f"rows: {str(exc).splitlines()[0]}", hint="check column types") from None
    problems = _row_problems(matrix.carriers)
    found = groups.select(
        condition.any().alias(str(i)) for i, (condition, _) in enumerate(problems)
    ).row(0)
    for (condition, message), present in zip(problems, found, strict=True):
        if present:
            index = (
                typed.with_row_index("row").filter(condition).select("row").head(1).collect().item()
            )
            raise InputError(f"rows[{index}]: {message}")
    return groups


def _unit_prices(unit_prices: pl.DataFrame) -> pl.DataFrame:
    """Per-plan, per-carrier unit prices; a (plan, carrier) given twice is an InputError."""
    try:
        prices = _frame_with(unit_prices, PRICES_SCHEMA, "unit_prices").collect()
    except pl.exceptions.PolarsError as exc:
        raise InputError(f"unit_prices: {str(exc).splitlines()[0]}") from None
    duplicated = prices.filter(pl.struct("plan", "carrier").is_duplicated())
    if duplicated.height:
        plan, carrier = duplicated.row(0)[:2]
        raise InputError(f"unit_prices: plan {plan!r}, carrier {carrier!r} is given twice")
    return prices


def _plans(groups: pl.DataFrame, prices: pl.DataFrame) -> pl.DataFrame:
    """Every plan that has prices or rows: price-table order first, then plans only in rows."""
    return (
        pl.concat([prices.select("plan"), groups.select("plan").sort("plan")])
        .unique(maintain_order=True)
        .drop_nulls()
    )


def _plan_totals(groups: pl.DataFrame, prices: pl.DataFrame) -> pl.LazyFrame:
    """Per plan: cost with carriers as given, cost of looked-up rows, count of uncertain rows."""
    cost = pl.col("n") * pl.col("parts") * pl.col("unit_sen")
    lookup = pl.col("carrier_source") == LOOKUP
    return (
        groups.lazy()
        .join(prices.lazy(), on=["plan", "carrier"], how="left")
        .group_by("plan")
        .agg(
            point_sen=cost.sum(),
            certain_sen=cost.filter(lookup).sum(),
            uncertain_rows=pl.col("n").filter(~lookup).sum(),
            point_unknown=pl.col("unit_sen").is_null().any(),
        )
    )


def _outcomes(groups: pl.DataFrame, prices: pl.DataFrame, matrix: PortingMatrix) -> pl.LazyFrame:
    """One row per uncertain group × serving carrier: probability and the group's row cost."""
    serving_prices = prices.lazy().rename({"carrier": "serving_carrier"})
    return (
        groups.lazy()
        .filter(pl.col("carrier_source") == ALLOCATION)
        .group_by(GROUP_KEY)
        .agg(n=pl.col("n").sum())
        .join(matrix.frame().lazy(), on="allocated_carrier", how="inner")
        .join(serving_prices, on=["plan", "serving_carrier"], how="left")
        .with_columns(cost_sen=pl.col("parts") * pl.col("unit_sen"))
    )


def _group_moments(outcomes: pl.LazyFrame) -> pl.LazyFrame:
    """Per uncertain group: min, max, mean above the min, and variance of one row's cost."""
    cost = pl.col("cost_sen")
    p = pl.col("probability") / pl.col("probability").sum()
    above_min = (cost - cost.min()).cast(pl.Float64)
    mean_above_min = (p * above_min).sum()
    return (
        outcomes.filter(pl.col("probability") > 0)
        .group_by(GROUP_KEY)
        .agg(
            n=pl.col("n").first(),
            min_cost=cost.min(),
            max_cost=cost.max(),
            mean_above_min=mean_above_min,
            variance=(p * (above_min - mean_above_min) ** 2).sum(),
            unknown=cost.is_null().any(),
        )
    )


def _plan_spread(moments: pl.LazyFrame) -> pl.LazyFrame:
    """Per plan: sums over independent uncertain rows of minimum, maximum, mean and variance."""
    n = pl.col("n")
    return moments.group_by("plan").agg(
        uncertain_min=(n * pl.col("min_cost")).sum(),
        uncertain_max=(n * pl.col("max_cost")).sum(),
        uncertain_mean_above_min=(n.cast(pl.Float64) * pl.col("mean_above_min")).sum(),
        uncertain_variance=(n.cast(pl.Float64) * pl.col("variance")).sum(),
        carrier_dependent=(pl.col("max_cost") > pl.col("min_cost")).any(),
        spread_unknown=pl.col("unknown").any(),
    )


def _z(level: float) -> float:
    if not 0.0 < level < 1.0 or math.isnan(level):
        raise UsageError(f"interval level {level} is outside (0, 1)", hint="e.g. 0.95")
    return NormalDist().inv_cdf(0.5 + level / 2.0)


def cost_uncertainty(
    rows: pl.LazyFrame | pl.DataFrame,
    unit_prices: pl.DataFrame,
    matrix: PortingMatrix,
    *,
    level: float = 0.95,
) -> pl.DataFrame:
    """Per plan: point cost, expected cost, standard deviation and a `level` interval, in sen.

    The interval is the normal approximation mean ± z·sd of the total. The total is a sum of
    many independent terms, each bounded by one row's cost range, so the central limit theorem
    (Lyapunov) makes it close to normal once there are dozens of uncertain rows. With only a few
    uncertain rows the total is lumpy and the bare normal interval can reach costs no carrier
    mix produces, so it is clipped to [min_sen, max_sen] and rounded outward to whole sen.
    A price that is null or missing where it is needed (a row's carrier, or a serving carrier
    with positive probability) makes every amount of that plan null, with `price_unknown` set.
    `carrier_dependent` is true when some uncertain row's cost differs between the serving
    carriers it may have, i.e. when max_sen > min_sen.
    `rows` may be grouped already: a column `n` (WEIGHT) gives how many identical rows each
    row stands for, so a fixed message's list is priced from its groups, not row by row.
    """
    z = _z(level)
    groups = _row_groups(rows, matrix)
    prices = _unit_prices(unit_prices)
    totals = _plan_totals(groups, prices)
    spread = _plan_spread(_group_moments(_outcomes(groups, prices, matrix)))
    int_zero = pl.lit(0, dtype=pl.Int64)
    joined = (
        _plans(groups, prices)
        .lazy()
        .join(totals, on="plan", how="left", maintain_order="left")
        .join(spread, on="plan", how="left", maintain_order="left")
        .with_columns(
            pl.col("point_sen", "certain_sen", "uncertain_rows", "uncertain_min", "uncertain_max")
            .cast(pl.Int64)
            .fill_null(int_zero),
            pl.col("uncertain_mean_above_min", "uncertain_variance").fill_null(0.0),
            pl.col("carrier_dependent").fill_null(False),
            price_unknown=pl.col("point_unknown").fill_null(False)
            | pl.col("spread_unknown").fill_null(False),
        )
        .with_columns(
            min_sen=pl.col("certain_sen") + pl.col("uncertain_min"),
            max_sen=pl.col("certain_sen") + pl.col("uncertain_max"),
            std_sen=pl.col("uncertain_variance").clip(lower_bound=0.0).sqrt(),
        )
        .with_columns(
            expected_sen=(pl.col("min_sen") + pl.col("uncertain_mean_above_min")).clip(
                pl.col("min_sen").cast(pl.Float64), pl.col("max_sen").cast(pl.Float64)
            )
        )
        .with_columns(
            expected_sen_rounded=(pl.col("expected_sen") + 0.5).floor().cast(pl.Int64),
            low_sen=pl.max_horizontal(
                pl.col("min_sen"),
                (pl.col("expected_sen") - z * pl.col("std_sen")).floor().cast(pl.Int64),
            ),
            high_sen=pl.min_horizontal(
                pl.col("max_sen"),
                (pl.col("expected_sen") + z * pl.col("std_sen")).ceil().cast(pl.Int64),
            ),
        )
    )
    known = ~pl.col("price_unknown")
    amounts = [c for c in RESULT_SCHEMA if c not in ("plan", "uncertain_rows", "price_unknown")]
    return (
        joined.with_columns(
            pl.when(known).then(pl.col(c)).otherwise(None).alias(c) for c in amounts
        )
        .select(pl.col(name).cast(dtype) for name, dtype in RESULT_SCHEMA.items())
        .collect()
    )


def simulate_costs(
    rows: pl.LazyFrame | pl.DataFrame,
    unit_prices: pl.DataFrame,
    matrix: PortingMatrix,
    *,
    draws: int = 2000,
    seed: int = 0,
) -> pl.DataFrame:
    """Monte Carlo list totals: per draw, serving carriers of each uncertain group drawn jointly.

    Each group of n identical uncertain rows gets multinomial(n, P(· | allocated)) counts of
    serving carriers; the draw's total is the looked-up cost plus Σ counts × row cost. A plan
    with an unknown price needed by the draws has null costs. Columns: plan, draw, cost_sen.
    """
    import numpy as np  # a forecast's draws only: `recipients check` never loads it

    if draws < 1:
        raise UsageError(f"draws must be at least 1, not {draws}")
    groups = _row_groups(rows, matrix)
    prices = _unit_prices(unit_prices)
    plans = _plans(groups, prices).get_column("plan").to_list()
    totals = _plan_totals(groups, prices).collect()
    outcomes = (
        _outcomes(groups, prices, matrix)
        .with_columns(
            plan_index=pl.col("plan").replace_strict(plans, list(range(len(plans)))),
            serving_index=pl.col("serving_carrier").replace_strict(
                matrix.carriers, list(range(len(matrix.carriers)))
            ),
            needed_unknown=pl.col("cost_sen").is_null() & (pl.col("probability") > 0),
            cost_sen=pl.col("cost_sen").fill_null(0),
        )
        .sort("plan_index", "allocated_carrier", "parts", "serving_index")
        .collect()
    )
    carriers = len(matrix.carriers)
    group_count = outcomes.height // carriers
    plan_costs = np.zeros((draws, len(plans)), dtype=np.int64)
    if group_count:
        shape = (group_count, carriers)
        probability = outcomes.get_column("probability").to_numpy().reshape(shape)
        row_cost = outcomes.get_column("cost_sen").to_numpy().astype(np.int64).reshape(shape)
        n = outcomes.get_column("n").to_numpy().reshape(shape)[:, 0]
        plan_of_group = outcomes.get_column("plan_index").to_numpy().reshape(shape)[:, 0]
        pvals = probability / probability.sum(axis=1, keepdims=True)
        counts = np.random.default_rng(seed).multinomial(n, pvals, size=(draws, group_count))
        group_costs = (counts * row_cost).sum(axis=2)
        membership = np.zeros((group_count, len(plans)), dtype=np.int64)
        membership[np.arange(group_count), plan_of_group] = 1
        plan_costs = group_costs @ membership
    unknown = outcomes.group_by("plan").agg(spread_unknown=pl.col("needed_unknown").any()).lazy()
    per_plan = (
        pl.DataFrame({"plan": plans}, schema={"plan": pl.Utf8()})
        .lazy()
        .join(totals.lazy(), on="plan", how="left", maintain_order="left")
        .join(unknown, on="plan", how="left", maintain_order="left")
        .select(
            "plan",
            certain_sen=pl.col("certain_sen").cast(pl.Int64).fill_null(0),
            price_unknown=pl.col("point_unknown").fill_null(False)
            | pl.col("spread_unknown").fill_null(False),
        )
        .collect()
    )
    simulated = (
        per_plan.select("plan")
        .join(pl.DataFrame({"draw": np.arange(draws, dtype=np.int64)}), how="cross")
        .with_columns(uncertain_sen=pl.Series(plan_costs.T.reshape(-1), dtype=pl.Int64()))
    )
    return (
        simulated.lazy()
        .join(per_plan.lazy(), on="plan", how="left", maintain_order="left")
        .with_columns(
            cost_sen=pl.when(~pl.col("price_unknown")).then(
                pl.col("certain_sen") + pl.col("uncertain_sen")
            )
        )
        .select(pl.col(name).cast(dtype) for name, dtype in SIMULATION_SCHEMA.items())
        .collect()
    )
