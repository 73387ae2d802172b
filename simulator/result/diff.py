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
    """One plan: recipients compared and changed, changes by kind, the message-charge delta
    (to − from) split into unit-price changes and the rest, and the fee delta."""

    recipients_compared: int
    recipients_changed: int
    route: int
    sender: int
    charge: int
    cost_delta_jpy_excl_tax: Yen | None
    """The message charges' delta."""
    unit_price_delta_jpy_excl_tax: Yen | None = None
    """The part of the message-charge delta from unit prices that changed (recipients whose
    charge class stays: parts before × (unit price after − before))."""
    other_charge_delta_jpy_excl_tax: Yen | None = None
    """The rest of the message-charge delta: charge classes and parts that changed."""
    fees_from_jpy: Yen | None = None
    fees_to_jpy: Yen | None = None
    fee_delta_jpy: Yen | None = None
    total_delta_jpy_excl_tax: Yen | None = None
    """Message charges and fees together."""


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


class PriceChange(Model):
    """One price whose amount or basis differs between the two sides."""

    charged_per: str
    from_jpy: Yen | None
    to_jpy: Yen | None
    basis_from: str
    basis_to: str


class AssumptionCompared(Model):
    """An assumption set differently on the two sides, with what each value says."""

    from_value: str | None
    to_value: str | None
    from_says: str | None = None
    to_says: str | None = None


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
    price_changes: dict[str, PriceChange] = Field(default_factory=dict)
    """Prices (unit prices and fees) that differ between the sides, by name (sorted)."""
    assumptions_compared: dict[str, AssumptionCompared] = Field(default_factory=dict)
    """The assumptions the two sides set differently, by name (sorted)."""
    fee_delta_jpy: Yen | None = None
    """The fees' delta over the plans compared."""
    total_delta_jpy_excl_tax: Yen | None = None
    """Message charges and fees together, over the plans compared."""


def _unit_price_delta(frame: pl.DataFrame) -> Decimal | None:
    """Σ parts before × (unit price after − before) over the recipients whose charge class
    stays; None when a cost on either side is unknown."""
    same = frame.filter(
        pl.col("charge_class_from").eq_missing(pl.col("charge_class_to"))
        & (pl.col("parts_from") > 0)
        & (pl.col("parts_to") > 0)
    )
    if same.filter(pl.col("cost_sen_from").is_null() | pl.col("cost_sen_to").is_null()).height:
        return None
    unit_from = pl.col("cost_sen_from") // pl.col("parts_from")
    unit_to = pl.col("cost_sen_to") // pl.col("parts_to")
    delta = same.select((pl.col("parts_from").cast(pl.Int64) * (unit_to - unit_from)).sum()).item()
    return sen_to_jpy(int(delta or 0))


def _minus(a: Decimal | None, b: Decimal | None) -> Decimal | None:
    return None if a is None or b is None else a - b


def _plus(a: Decimal | None, b: Decimal | None) -> Decimal | None:
    return None if a is None or b is None else a + b


def _sum(values: list[Decimal | None]) -> Decimal | None:
    total: Decimal | None = Decimal(0)
    for v in values:
        total = _plus(total, v)
    return total


def price_changes(before: Forecast, after: Forecast) -> dict[str, PriceChange]:
    """Every price whose amount or basis differs between the two forecasts' days or books."""
    out = {}
    for name in sorted(set(before.prices.items) | set(after.prices.items)):
        a, b = before.prices.items.get(name), after.prices.items.get(name)
        if a is not None and b is not None and (a.amount_jpy, a.basis) == (b.amount_jpy, b.basis):
            continue
        out[name] = PriceChange(
            charged_per=(b or a).charged_per,  # type: ignore[union-attr]
            from_jpy=None if a is None else a.amount_jpy,
            to_jpy=None if b is None else b.amount_jpy,
            basis_from="absent" if a is None else a.basis,
            basis_to="absent" if b is None else b.basis,
        )
    return out


def assumptions_compared(before: Forecast, after: Forecast) -> dict[str, AssumptionCompared]:
    """The assumptions set differently on the two sides, with what each value says."""
    names = sorted(set(before.assumptions) | set(after.assumptions))
    return {
        name: AssumptionCompared(
            from_value=before.assumptions.get(name),
            to_value=after.assumptions.get(name),
            from_says=before.assumption_meanings.get(name),
            to_says=after.assumption_meanings.get(name),
        )
        for name in names
        if before.assumptions.get(name) != after.assumptions.get(name)
    }


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
        charges, by_price = _delta(p), _unit_price_delta(p)
        fees_from, fees_to = before.plans[plan].fixed_fees_jpy, after.plans[plan].fixed_fees_jpy
        fee_delta = _minus(fees_to, fees_from)
        by_plan[plan] = PlanChanges(
            recipients_compared=p.height,
            recipients_changed=int(p["changed"].sum()),
            **_kind_counts(p),
            cost_delta_jpy_excl_tax=charges,
            unit_price_delta_jpy_excl_tax=by_price,
            other_charge_delta_jpy_excl_tax=_minus(charges, by_price),
            fees_from_jpy=fees_from,
            fees_to_jpy=fees_to,
            fee_delta_jpy=fee_delta,
            total_delta_jpy_excl_tax=_plus(charges, fee_delta),
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
        price_changes=price_changes(before, after),
        assumptions_compared=assumptions_compared(before, after),
        fee_delta_jpy=_sum([c.fee_delta_jpy for c in by_plan.values()]),
        total_delta_jpy_excl_tax=_sum([c.total_delta_jpy_excl_tax for c in by_plan.values()]),
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
