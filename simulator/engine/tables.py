"""Rules compiled to frames for the engine: every rule version with its assumption variant
applied, and the rules in force on a day (one row per plan × carrier), for equi-joins."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

import polars as pl

from simulator.rules.dating import first_match, join_in_force
from simulator.rules.ruleset import RuleSet

RULE_SCHEMA: dict[str, pl.DataType] = {
    "plan": pl.Utf8(),
    "carrier": pl.Utf8(),
    "effective_from": pl.Date(),
    "route": pl.Utf8(),
    "sender_kind": pl.Utf8(),
    "sender_value": pl.Utf8(),
    "sender_guaranteed": pl.Boolean(),
    "charge_class": pl.Utf8(),
    "rule_id": pl.Utf8(),
    "rule_variant": pl.Int32(),
    "rule_sources": pl.List(pl.Utf8()),
    "plan_available_from": pl.Date(),
}


def rule_versions(ruleset: RuleSet, settings: Mapping[str, str]) -> pl.DataFrame:
    """One row per plan × carrier × rule version, outcomes chosen by the assumption settings."""
    records: list[dict[str, object]] = []
    for routing in ruleset.routing:
        rule = routing.rule
        match = first_match(rule.variants, settings)
        variant, outcome = (None, rule.outcome) if match is None else (match[0], match[1].outcome)
        for carrier in rule.carriers:
            records.append(
                {
                    "plan": routing.plan,
                    "carrier": carrier,
                    "effective_from": rule.effective_from,
                    "route": outcome.route,
                    "sender_kind": outcome.sender.kind,
                    "sender_value": outcome.sender.value,
                    "sender_guaranteed": outcome.sender.guaranteed,
                    "charge_class": outcome.charge,
                    "rule_id": rule.id,
                    "rule_variant": variant,
                    "rule_sources": list(rule.sources),
                    "plan_available_from": ruleset.plans[routing.plan].available_from,
                }
            )
    return pl.DataFrame(records, schema=RULE_SCHEMA).sort("plan", "carrier", "effective_from")


def resolve_for_dates(versions: pl.LazyFrame, queries: pl.LazyFrame) -> pl.LazyFrame:
    """As-of join: for each query (plan, carrier, as_of) the latest version effective on that day.

    Queries on a day before the plan existed get null outcomes (the caller decides what to say).
    """
    joined = join_in_force(queries, versions, day="as_of", by=["plan", "carrier"])
    before_plan = pl.col("as_of") < pl.col("plan_available_from")
    outcome_cols = [c for c in RULE_SCHEMA if c not in ("plan", "carrier", "plan_available_from")]
    return joined.with_columns(
        pl.when(before_plan).then(None).otherwise(pl.col(c)).alias(c) for c in outcome_cols
    )


def resolved_rules(ruleset: RuleSet, on: dt.date, settings: Mapping[str, str]) -> pl.DataFrame:
    """The rules in force on one day: one row per plan that exists then × carrier."""
    queries = pl.DataFrame(
        [
            {"plan": p, "carrier": c, "as_of": on}
            for p, plan in ruleset.plans.items()
            if plan.available_from <= on
            for c in ruleset.carriers
        ],
        schema={"plan": pl.Utf8, "carrier": pl.Utf8, "as_of": pl.Date},
    )
    versions = rule_versions(ruleset, settings).lazy()
    return (
        resolve_for_dates(versions, queries.lazy())
        .drop("plan_available_from")
        .sort("plan", "carrier")
        .collect()
    )
