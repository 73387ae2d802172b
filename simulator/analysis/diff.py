"""What a rule change does to one list: recipients whose route, sender or charge changes, and the cost delta."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import polars as pl

from simulator.analysis.run import ForecastOptions, ForecastRun, RecipientInput, forecast
from simulator.errors import UsageError

DEFAULT_MESSAGE = "kpsim"
"""A one-part message: `diff` is about routing, sender and charge class, priced per part."""

COMPARED = ["route", "sender_kind", "sender_value", "charge_class", "rule_id", "cost_sen", "parts"]
KINDS = {
    "route": pl.col("route_from").ne_missing(pl.col("route_to")),
    "sender": pl.col("sender_kind_from").ne_missing(pl.col("sender_kind_to"))
    | pl.col("sender_value_from").ne_missing(pl.col("sender_value_to")),
    "charge": pl.col("charge_class_from").ne_missing(pl.col("charge_class_to")),
}


@dataclass
class DiffRun:
    """One row per recipient × plan compared (full numbers), both forecasts, the plans
    compared and, for the others, why not; `simulator.result.diff` summarises it."""

    changes: pl.DataFrame
    before: ForecastRun
    after: ForecastRun
    compared: list[str]
    not_compared: dict[str, str | None]


def _side(rows: pl.LazyFrame, suffix: str) -> pl.LazyFrame:
    return rows.select(
        "row",
        "plan",
        *(pl.col(c).alias(f"{c}_{suffix}") for c in [*COMPARED, "carrier", "e164", "plan_status"]),
    )


def compare_rows(before: pl.LazyFrame, after: pl.LazyFrame) -> pl.LazyFrame:
    """Join both sides on recipient and plan, flagging each kind of change."""
    joined = _side(before, "from").join(_side(after, "to"), on=["row", "plan"], how="inner")
    flags = [expr.alias(f"{kind}_changed") for kind, expr in KINDS.items()]
    return joined.with_columns(*flags).with_columns(
        pl.any_horizontal(*(f"{k}_changed" for k in KINDS)).alias("changed"),
        pl.coalesce("carrier_to", "carrier_from").alias("carrier"),
        pl.coalesce("e164_to", "e164_from").alias("e164"),
    )


def diff_forecasts(
    recipients: RecipientInput,
    *,
    from_date: dt.date,
    to_date: dt.date,
    plans: Sequence[str] | None = None,
    message: str = DEFAULT_MESSAGE,
    assume_a: Mapping[str, str] | None = None,
    assume_b: Mapping[str, str] | None = None,
    rules_a: Path | None = None,
    rules_b: Path | None = None,
    **options: Any,
) -> DiffRun:
    """Forecast the same list twice (dates, assumptions or rule directories) and compare row by row."""
    if from_date > to_date:
        raise UsageError(
            f"--from {from_date.isoformat()} is after --to {to_date.isoformat()}",
            hint="swap them",
        )
    base = ForecastOptions(message=message, as_of=from_date, plans=plans, **options)
    a_opts = replace(base, assume=dict(assume_a or {}), rules_dir=rules_a)
    b_opts = replace(base, as_of=to_date, assume=dict(assume_b or {}), rules_dir=rules_b)
    before = forecast(recipients, a_opts)
    after = forecast(recipients, b_opts)
    chosen = list(plans or after.ruleset.plans)
    compared = [
        p for p in chosen if before.plan_info[p]["sendable"] and after.plan_info[p]["sendable"]
    ]
    changes = compare_rows(
        before.rows.filter(pl.col("plan").is_in(compared)),
        after.rows.filter(pl.col("plan").is_in(compared)),
    ).collect()
    if changes.height:  # in input order, plans as chosen: examples and files do not vary
        order = pl.col("plan").replace_strict(compared, list(range(len(compared))))
        changes = changes.sort(pl.col("row"), order)
    not_compared = {
        p: before.plan_info[p]["reason"] or after.plan_info[p]["reason"]
        for p in chosen
        if p not in compared
    }
    return DiffRun(
        changes=changes, before=before, after=after, compared=compared, not_compared=not_compared
    )
