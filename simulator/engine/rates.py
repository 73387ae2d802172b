"""Per plan × carrier rates of one message on one day, computed once for every caller: whether
each plan can send it (the plan exists, the message is not too long), its parts, the unit price
per serving carrier, the cost of one message there, and that cost's expectation over the
porting matrix for a carrier taken from number allocation. `forecast` prices recipients with
these terms; sweeps and break-even points price a mix of carriers with them."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction

import polars as pl

from simulator.engine.context import RuleContext
from simulator.engine.porting import PortingMatrix
from simulator.message.count import count_parts
from simulator.message.profiles import Profile, profile_for


@dataclass(frozen=True)
class PlanTerms:
    """How one plan takes the message: sendable or why not, the part-counting profile, and
    the parts of a fixed message (None for a template, counted per recipient)."""

    plan: str
    sendable: bool
    reason: str | None = None
    too_long: bool = False
    profile: Profile | None = None
    parts: int | None = None


def _terms(ctx: RuleContext, plan: str, counted_text: str | None) -> PlanTerms:
    available = ctx.ruleset.plans[plan].available_from
    if ctx.as_of < available:
        return PlanTerms(plan, False, f"plan starts {available.isoformat()}")
    profile = profile_for(ctx.segmentation, plan, ctx.as_of, ctx.settings)
    if counted_text is None:
        return PlanTerms(plan, True, profile=profile)
    counted = count_parts(counted_text, profile)
    if counted.parts is None:
        reason = f"message too long ({counted.units} characters; {profile.describe_limit()})"
        return PlanTerms(plan, False, reason, too_long=True, profile=profile)
    return PlanTerms(plan, True, profile=profile, parts=counted.parts)


def plan_terms(ctx: RuleContext, counted_text: str | None) -> dict[str, PlanTerms]:
    """Per plan of `ctx`, in order: its terms for a message sending `counted_text`, the text as
    rendered (`simulator.message.fixed_text`: `{{` is one `{`), or None for a template, whose
    parts are counted per recipient."""
    return {plan: _terms(ctx, plan, counted_text) for plan in ctx.plans}


def unit_prices_by_carrier(rules_in_force: pl.DataFrame, unit_prices: pl.DataFrame) -> pl.DataFrame:
    """Per plan × serving carrier: the unit price a part would cost there (for portability)."""
    return (
        rules_in_force.select("plan", "carrier", "charge_class")
        .join(unit_prices.select("charge_class", "unit_sen"), on="charge_class", how="left")
        .select("plan", "carrier", "unit_sen")
    )


def message_costs(
    terms: Mapping[str, PlanTerms], rules_in_force: pl.DataFrame, unit_prices: pl.DataFrame
) -> pl.DataFrame:
    """Per sendable plan × serving carrier: `message_sen`, parts × unit price of one fixed
    message (null when the price is unknown)."""
    parts = pl.DataFrame(
        [(t.plan, t.parts) for t in terms.values() if t.sendable and t.parts is not None],
        schema={"plan": pl.Utf8(), "parts": pl.Int64()},
        orient="row",
    )
    return (
        unit_prices_by_carrier(rules_in_force, unit_prices)
        .join(parts, on="plan", how="inner")
        .select("plan", "carrier", (pl.col("parts") * pl.col("unit_sen")).alias("message_sen"))
    )


def expected_message_sen(
    costs: pl.DataFrame, matrix: PortingMatrix
) -> dict[str, dict[str, Fraction | None]]:
    """Per plan of `costs`, per allocating carrier a: Σ P(s | a) × message_sen[s] over the
    serving carriers s with P > 0, exactly (None when one of those costs is unknown).

    Exact fractions because break-even points are solved exactly: the sum runs in Python over
    plans × carriers² rows (a few dozen, never per recipient). A list's expected cost and its
    range are `engine/uncertainty.py`'s moments."""
    outcomes = (
        costs.select("plan")
        .unique(maintain_order=True)
        .join(matrix.frame(), how="cross")
        .join(
            costs.rename({"carrier": "serving_carrier"}),
            on=["plan", "serving_carrier"],
            how="left",
        )
    )
    out: dict[str, dict[str, Fraction | None]] = {}
    for plan, allocated, probability, cost in outcomes.select(
        "plan", "allocated_carrier", "probability", "message_sen"
    ).iter_rows():
        by_allocated = out.setdefault(plan, {})
        total = by_allocated.setdefault(allocated, Fraction(0))
        if probability > 0 and total is not None:
            by_allocated[allocated] = None if cost is None else total + Fraction(probability) * cost
    return out
