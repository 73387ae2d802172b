"""What a rule change does to one list: recipients whose route, sender or charge changes, and the cost delta."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import polars as pl

from simulator.analysis.run import Forecast, ForecastOptions, RecipientInput, forecast
from simulator.errors import UsageError
from simulator.pricing.money import sen_to_jpy
from simulator.privacy import mask_expr

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
class DiffResult:
    """The JSON-ready summary and one row per recipient × plan compared (full numbers)."""

    summary: dict[str, Any]
    changes: pl.DataFrame
    before: Forecast
    after: Forecast


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


def _describe(kind: str, r: Mapping[str, Any]) -> str:
    if kind == "route":
        return f"{r['route_from']} → {r['route_to']}"
    if kind == "charge":
        return f"{r['charge_class_from']} → {r['charge_class_to']}"
    a = r["sender_value_from"] or r["sender_kind_from"]
    b = r["sender_value_to"] or r["sender_kind_to"]
    return f"{a} → {b}"


def _delta_sen(frame: pl.DataFrame) -> int:
    """Σ cost after − Σ cost before, in sen."""
    return int(frame["cost_sen_to"].sum()) - int(frame["cost_sen_from"].sum())


def _cost(total: Any) -> Any:
    return None if total is None else sen_to_jpy(int(total))


def summarise_diff(
    changes: pl.DataFrame, before: Forecast, after: Forecast, plans: Sequence[str]
) -> dict[str, Any]:
    """Counts per kind, carrier and plan; cost delta (to − from); rule versions that caused it."""
    changed = changes.filter(pl.col("changed"))
    unknown = changes.filter(pl.col("cost_sen_from").is_null() | pl.col("cost_sen_to").is_null())
    delta_sen = None if unknown.height else _delta_sen(changes)
    by_plan: dict[str, Any] = {}
    by_carrier: dict[str, Any] = {}
    for plan in plans:
        p = changes.filter(pl.col("plan") == plan)
        p_unknown = p.filter(pl.col("cost_sen_from").is_null() | pl.col("cost_sen_to").is_null())
        by_plan[plan] = {
            "recipients_compared": p.height,
            "recipients_changed": int(p["changed"].sum()),
            **{k: int(p[f"{k}_changed"].sum()) for k in KINDS},
            "cost_delta_jpy_excl_tax": None if p_unknown.height else _cost(_delta_sen(p)),
        }
        for carrier_frame in p.partition_by("carrier", maintain_order=True) if p.height else []:
            carrier = carrier_frame["carrier"][0]
            c_unknown = carrier_frame.filter(
                pl.col("cost_sen_from").is_null() | pl.col("cost_sen_to").is_null()
            )
            by_carrier.setdefault(carrier, {})[plan] = {
                "recipients": carrier_frame.height,
                "recipients_changed": int(carrier_frame["changed"].sum()),
                **{k: int(carrier_frame[f"{k}_changed"].sum()) for k in KINDS},
                "cost_delta_jpy_excl_tax": None
                if c_unknown.height
                else _cost(_delta_sen(carrier_frame)),
            }
    transitions = (
        changed.group_by("plan", "carrier", "rule_id_from", "rule_id_to")
        .agg(pl.len().alias("recipients"))
        .sort("plan", "carrier")
    )
    rs_a, rs_b = before.ruleset, after.ruleset

    def cite(rs: Any, rule_id: str | None) -> list[str]:
        if rule_id is None:
            return []
        rule = rs.rule_by_id(rule_id).rule
        return [rs.sources[s].citation() for s in rule.sources]

    rule_versions = [
        {
            "plan": t["plan"],
            "carrier": t["carrier"],
            "from_rule": t["rule_id_from"],
            "to_rule": t["rule_id_to"],
            "recipients": t["recipients"],
            "to_sources": cite(rs_b, t["rule_id_to"]),
            "from_sources": cite(rs_a, t["rule_id_from"]),
        }
        for t in transitions.to_dicts()
    ]
    examples: dict[str, list[str]] = {}
    masked = changed.with_columns(mask_expr("e164").alias("masked"))
    for kind in KINDS:
        rows = masked.filter(pl.col(f"{kind}_changed")).head(3).to_dicts()
        examples[kind] = [f"{r['masked']} ({r['plan']}): {_describe(kind, r)}" for r in rows]
    only = {
        "rows_in": after.summary["rows_in"],
        "rows_ok_from": before.summary["rows_ok"],
        "rows_ok_to": after.summary["rows_ok"],
    }
    return {
        "from": before.summary["as_of"],
        "to": after.summary["as_of"],
        "plans": list(plans),
        **only,
        "recipients_changed": int(changed["row"].n_unique()) if changed.height else 0,
        "changes_by_kind": {k: int(changes[f"{k}_changed"].sum()) for k in KINDS},
        "unit_price_changed": int(
            changes.filter(
                (pl.col("cost_sen_from") * pl.col("parts_to")).ne_missing(
                    pl.col("cost_sen_to") * pl.col("parts_from")
                )
            ).height
        ),
        "cost_delta_jpy_excl_tax": _cost(delta_sen),
        "by_plan": by_plan,
        "by_carrier": by_carrier,
        "rule_versions": rule_versions,
        "examples": examples,
        "assumptions_from": before.summary["assumptions"],
        "assumptions_to": after.summary["assumptions"],
        "warnings": sorted(set(before.summary["warnings"]) | set(after.summary["warnings"])),
    }


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
) -> DiffResult:
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
    compared = [
        p
        for p in (plans or list(after.ruleset.plans))
        if before.summary["plans"][p]["sendable"] and after.summary["plans"][p]["sendable"]
    ]
    changes = compare_rows(
        before.rows.filter(pl.col("plan").is_in(compared)),
        after.rows.filter(pl.col("plan").is_in(compared)),
    ).collect()
    summary = summarise_diff(changes, before, after, compared)
    skipped = [p for p in (plans or list(after.ruleset.plans)) if p not in compared]
    summary["plans_not_compared"] = {
        p: before.summary["plans"][p]["reason"] or after.summary["plans"][p]["reason"]
        for p in skipped
    }
    return DiffResult(summary=summary, changes=changes, before=before, after=after)
