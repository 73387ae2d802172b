"""`Diff`: what changed for one list between two dates, rule directories or assumption settings."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import polars as pl
from pydantic import Field

from simulator.analysis.diff import KINDS, DiffRun
from simulator.pricing.money import sen_to_jpy
from simulator.privacy import mask_expr
from simulator.result.document import Document, Model, Yen
from simulator.result.forecast import Forecast, ForecastInput, Notice
from simulator.result.summarise import ForecastResult
from simulator.rules.ruleset import RuleSet


class PlanChanges(Model):
    """One plan: recipients compared and changed, changes by kind, cost delta (to − from)."""

    recipients_compared: int
    recipients_changed: int
    route: int
    sender: int
    charge: int
    cost_delta_jpy_excl_tax: Yen | None


class CarrierChanges(Model):
    """One plan on one carrier, as `PlanChanges`."""

    recipients: int
    recipients_changed: int
    route: int
    sender: int
    charge: int
    cost_delta_jpy_excl_tax: Yen | None


class RuleVersionChange(Model):
    """Recipients of one plan and carrier that moved from one rule version to another."""

    plan: str
    carrier: str
    from_rule: str | None
    to_rule: str | None
    recipients: int
    to_sources: list[str]
    from_sources: list[str]


class Diff(Document):
    """Recipients whose route, sender display or charge changes, and the cost delta (to − from).
    Plans and carriers are in the rules' order."""

    from_: dt.date = Field(alias="from")
    to: dt.date
    input: ForecastInput = Field(default_factory=ForecastInput)
    """The list read and its phone and carrier columns (the same on both sides)."""
    plans: list[str]
    rows_in: int
    rows_ok_from: int
    rows_ok_to: int
    recipients_changed: int
    changes_by_kind: dict[str, int]
    unit_price_changed: int
    cost_delta_jpy_excl_tax: Yen | None
    by_plan: dict[str, PlanChanges]
    by_carrier: dict[str, dict[str, CarrierChanges]]
    rule_versions: list[RuleVersionChange]
    examples: dict[str, list[str]]
    assumptions_from: dict[str, str]
    assumptions_to: dict[str, str]
    warnings: list[str]
    plans_not_compared: dict[str, str | None]
    notices: list[Notice] = Field(default_factory=list)
    """`warnings` as codes and fields, one per warning in the same order."""


def _describe(kind: str, r: Mapping[str, Any]) -> str:
    if kind == "route":
        return f"{r['route_from']} → {r['route_to']}"
    if kind == "charge":
        return f"{r['charge_class_from']} → {r['charge_class_to']}"
    a = r["sender_value_from"] or r["sender_kind_from"]
    b = r["sender_value_to"] or r["sender_kind_to"]
    return f"{a} → {b}"


def _delta(frame: pl.DataFrame) -> Decimal | None:
    """Σ cost after − Σ cost before, in JPY; None when a cost on either side is unknown."""
    unknown = frame.filter(pl.col("cost_sen_from").is_null() | pl.col("cost_sen_to").is_null())
    if unknown.height:
        return None
    return sen_to_jpy(int(frame["cost_sen_to"].sum()) - int(frame["cost_sen_from"].sum()))


def _kind_counts(frame: pl.DataFrame) -> dict[str, int]:
    return {k: int(frame[f"{k}_changed"].sum()) for k in KINDS}


def _cite(rs: RuleSet, rule_id: str | None) -> list[str]:
    if rule_id is None:
        return []
    return [rs.sources[s].citation() for s in rs.rule_by_id(rule_id).rule.sources]


def summarise_diff(run: DiffRun, before: Forecast, after: Forecast) -> Diff:
    """Counts per kind, carrier and plan; cost delta (to − from); rule versions that caused it;
    `before` and `after` are the summaries of the two forecasts."""
    changes, plans = run.changes, run.compared
    changed = changes.filter(pl.col("changed"))
    by_plan: dict[str, PlanChanges] = {}
    carrier_order = list(run.after.ruleset.carriers)
    carriers = sorted(
        set(changes["carrier"].drop_nulls().to_list()),
        key=lambda c: (carrier_order.index(c) if c in carrier_order else len(carrier_order), c),
    )
    by_carrier: dict[str, dict[str, CarrierChanges]] = {c: {} for c in carriers}
    for plan in plans:
        p = changes.filter(pl.col("plan") == plan)
        by_plan[plan] = PlanChanges(
            recipients_compared=p.height,
            recipients_changed=int(p["changed"].sum()),
            **_kind_counts(p),
            cost_delta_jpy_excl_tax=_delta(p),
        )
        for carrier in carriers:
            c = p.filter(pl.col("carrier") == carrier)
            if c.height:
                by_carrier[carrier][plan] = CarrierChanges(
                    recipients=c.height,
                    recipients_changed=int(c["changed"].sum()),
                    **_kind_counts(c),
                    cost_delta_jpy_excl_tax=_delta(c),
                )
    transitions = (
        changed.group_by("plan", "carrier", "rule_id_from", "rule_id_to")
        .agg(pl.len().alias("recipients"))
        .sort("plan", "carrier", "rule_id_from", "rule_id_to", nulls_last=True)
    )
    rs_a, rs_b = run.before.ruleset, run.after.ruleset
    rule_versions = [
        RuleVersionChange(
            plan=t["plan"],
            carrier=t["carrier"],
            from_rule=t["rule_id_from"],
            to_rule=t["rule_id_to"],
            recipients=t["recipients"],
            to_sources=_cite(rs_b, t["rule_id_to"]),
            from_sources=_cite(rs_a, t["rule_id_from"]),
        )
        for t in transitions.to_dicts()
    ]
    masked = changed.with_columns(mask_expr("e164").alias("masked"))
    examples = {
        kind: [
            f"{r['masked']} ({r['plan']}): {_describe(kind, r)}"
            for r in masked.filter(pl.col(f"{kind}_changed")).head(3).to_dicts()
        ]
        for kind in KINDS
    }
    unit_price_changed = changes.filter(
        (pl.col("cost_sen_from") * pl.col("parts_to")).ne_missing(
            pl.col("cost_sen_to") * pl.col("parts_from")
        )
    ).height
    return Diff(
        from_=before.as_of,
        to=after.as_of,
        input=after.input,
        plans=list(plans),
        rows_in=after.rows_in,
        rows_ok_from=before.rows_ok,
        rows_ok_to=after.rows_ok,
        recipients_changed=int(changed["row"].n_unique()) if changed.height else 0,
        changes_by_kind=_kind_counts(changes),
        unit_price_changed=unit_price_changed,
        cost_delta_jpy_excl_tax=_delta(changes),
        by_plan=by_plan,
        by_carrier=by_carrier,
        rule_versions=rule_versions,
        examples=examples,
        assumptions_from=before.assumptions,
        assumptions_to=after.assumptions,
        warnings=sorted(set(before.warnings) | set(after.warnings)),
        plans_not_compared=run.not_compared,
        notices=sorted(
            {n.text: n for n in [*before.notices, *after.notices]}.values(), key=lambda n: n.text
        ),
    )


@dataclass
class DiffResult:
    """A diff in memory: its typed `summary`, one row per recipient × plan compared (full
    numbers) and both forecasts."""

    summary: Diff
    changes: pl.DataFrame
    before: ForecastResult
    after: ForecastResult

    @classmethod
    def of(cls, run: DiffRun) -> DiffResult:
        before, after = ForecastResult.of(run.before), ForecastResult.of(run.after)
        summary = summarise_diff(run, before.summary, after.summary)
        return cls(summary=summary, changes=run.changes, before=before, after=after)
