"""The vectorised pricing engine: recipients × plans ⋈ rules in force ⋈ message parts ⋈ prices."""

from __future__ import annotations

import polars as pl

OUTCOME_COLUMNS = [
    "route",
    "sender_kind",
    "sender_value",
    "sender_guaranteed",
    "charge_class",
    "rule_id",
    "rule_variant",
    "effective_from",
]

PRICED_SCHEMA: dict[str, pl.DataType] = {
    "row": pl.UInt64(),
    "plan": pl.Utf8(),
    "e164": pl.Utf8(),
    "carrier": pl.Utf8(),
    "carrier_source": pl.Utf8(),
    "allocated_carrier": pl.Utf8(),
    "route": pl.Utf8(),
    "sender_kind": pl.Utf8(),
    "sender_value": pl.Utf8(),
    "sender_guaranteed": pl.Boolean(),
    "charge_class": pl.Utf8(),
    "rule_id": pl.Utf8(),
    "rule_variant": pl.Int32(),
    "rule_effective_from": pl.Date(),
    "units": pl.UInt32(),
    "encoding": pl.Utf8(),
    "parts": pl.UInt32(),
    "unit_sen": pl.Int64(),
    "price_basis": pl.Utf8(),
    "cost_sen": pl.Int64(),
    "plan_status": pl.Utf8(),
}
"""Columns of the per recipient × plan frame; `plan_status` is priced, too_long or price_unknown."""


def with_plan(recipients: pl.LazyFrame, plan: str) -> pl.LazyFrame:
    """The recipients tagged with one plan."""
    return recipients.with_columns(pl.lit(plan, dtype=pl.Utf8).alias("plan"))


def join_rules(rows: pl.LazyFrame, rules_in_force: pl.DataFrame) -> pl.LazyFrame:
    """Attach the rule outcome in force for each row's plan and carrier (an equi-join on a tiny table)."""
    table = rules_in_force.select("plan", "carrier", *OUTCOME_COLUMNS).rename(
        {"effective_from": "rule_effective_from"}
    )
    return rows.join(table.lazy(), on=["plan", "carrier"], how="left")


def join_prices(rows: pl.LazyFrame, unit_prices: pl.DataFrame) -> pl.LazyFrame:
    """Attach the unit price (sen per part) and its basis for each row's charge class."""
    return rows.join(
        unit_prices.select("charge_class", "unit_sen", "price_basis").lazy(),
        on="charge_class",
        how="left",
    )


def cost_and_status(rows: pl.LazyFrame) -> pl.LazyFrame:
    """Cost = parts × unit price; rows whose message is too long or whose price is unknown cost null."""
    too_long = pl.col("parts").is_null()
    unknown = pl.col("unit_sen").is_null()
    return rows.with_columns(
        pl.when(too_long | unknown)
        .then(None)
        .otherwise(pl.col("parts").cast(pl.Int64) * pl.col("unit_sen"))
        .alias("cost_sen"),
        pl.when(too_long)
        .then(pl.lit("too_long"))
        .when(unknown)
        .then(pl.lit("price_unknown"))
        .otherwise(pl.lit("priced"))
        .alias("plan_status"),
    )


def price_plan(
    recipients: pl.LazyFrame,
    plan: str,
    *,
    rules_in_force: pl.DataFrame,
    parts: pl.Expr,
    unit_prices: pl.DataFrame,
) -> pl.LazyFrame:
    """Price every recipient under one plan; `parts` is a struct expr (units, encoding, parts)."""
    rows = (
        with_plan(recipients, plan)
        .with_columns(parts.alias("_parts"))
        .with_columns(
            pl.col("_parts").struct.field("units").cast(pl.UInt32).alias("units"),
            pl.col("_parts").struct.field("encoding").cast(pl.Utf8).alias("encoding"),
            pl.col("_parts").struct.field("parts").cast(pl.UInt32).alias("parts"),
        )
    )
    rows = join_prices(join_rules(rows, rules_in_force), unit_prices)
    return cost_and_status(rows).select(list(PRICED_SCHEMA))


def price_plans(plan_frames: list[pl.LazyFrame]) -> pl.LazyFrame:
    """All plans' rows in one frame, sorted by row then plan order."""
    if not plan_frames:
        return pl.LazyFrame(schema=PRICED_SCHEMA)
    return pl.concat(plan_frames, how="vertical")
