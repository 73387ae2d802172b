"""Break-even points solved exactly with fractions, not read off a chart.

Cost curves here are affine (or piecewise affine) in one parameter: a period's total is
`fees + volume × cost per message`, and a plan's cost is affine in the share of one carrier's
recipients. Units: amounts are JPY excluding consumption tax; volumes are messages (one per
recipient) per period of `period_days` (30 by default: the sender-ID fee is charged per ID and
started 30-day period); shares are fractions of the recipients in [0, 1]. Costs average over the
porting matrix for allocation-sourced carriers, as `expected_cost_jpy_excl_tax` does.
"""

from __future__ import annotations

import bisect
import datetime as dt
import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from simulator.analysis.sweep import (
    Mix,
    MixInput,
    Number,
    PlanRate,
    Scenario,
    as_mix,
    check_mix,
    exact,
    load_context,
    plan_rates,
    scenario,
)
from simulator.engine.context import RuleContext
from simulator.errors import NotApplicableError, UsageError


@dataclass(frozen=True)
class Affine:
    """y = intercept + slope · x, exact."""

    intercept: Fraction
    slope: Fraction

    @classmethod
    def of(cls, intercept: Number, slope: Number) -> Affine:
        return cls(exact(intercept, what="intercept"), exact(slope, what="slope"))

    @classmethod
    def through(cls, a: tuple[Number, Number], b: tuple[Number, Number]) -> Affine:
        """The line through two points with different x."""
        (x0, y0), (x1, y1) = ((exact(x, what="x"), exact(y, what="y")) for x, y in (a, b))
        if x0 == x1:
            raise UsageError(f"two points at x = {x0} do not define a line")
        slope = (y1 - y0) / (x1 - x0)
        return cls(y0 - slope * x0, slope)

    def __call__(self, x: Number) -> Fraction:
        return self.intercept + self.slope * exact(x, what="x")

    def __sub__(self, other: Affine) -> Affine:
        return Affine(self.intercept - other.intercept, self.slope - other.slope)


@dataclass(frozen=True)
class PiecewiseAffine:
    """`lines[0]` below `breaks[0]`, `lines[i]` on [breaks[i-1], breaks[i]), the last one above.

    Jumps are allowed (the curve is right-continuous at each break).
    """

    breaks: tuple[Fraction, ...]
    lines: tuple[Affine, ...]

    def __post_init__(self) -> None:
        if len(self.lines) != len(self.breaks) + 1:
            raise UsageError(f"{len(self.breaks)} breaks need {len(self.breaks) + 1} lines")
        if any(b <= a for a, b in itertools.pairwise(self.breaks)):
            raise UsageError("breaks must increase strictly")

    @classmethod
    def through(cls, points: Sequence[tuple[Number, Number]]) -> PiecewiseAffine:
        """The continuous curve through points sorted by x, the end segments extended."""
        xy = sorted((exact(x, what="x"), exact(y, what="y")) for x, y in points)
        if len(xy) < 2:
            raise UsageError("a curve needs at least two points")
        segments = [Affine.through(a, b) for a, b in itertools.pairwise(xy)]
        return cls(tuple(x for x, _ in xy[1:-1]), tuple(segments))

    def line_at(self, x: Fraction) -> Affine:
        """The piece that holds at `x`."""
        return self.lines[bisect.bisect_right(self.breaks, x)]

    def __call__(self, x: Number) -> Fraction:
        value = exact(x, what="x")
        return self.line_at(value)(value)


Curve = Affine | PiecewiseAffine


def _as_piecewise(curve: Curve) -> PiecewiseAffine:
    return curve if isinstance(curve, PiecewiseAffine) else PiecewiseAffine((), (curve,))


def difference(f: Curve, g: Curve) -> PiecewiseAffine:
    """f − g as one piecewise-affine curve on the union of both curves' breaks."""
    pf, pg = _as_piecewise(f), _as_piecewise(g)
    breaks = tuple(sorted(set(pf.breaks) | set(pg.breaks)))
    first = pf.lines[0] - pg.lines[0]
    rest = [pf.line_at(b) - pg.line_at(b) for b in breaks]
    return PiecewiseAffine(breaks, (first, *rest))


def _sign(x: Fraction) -> int:
    return (x > 0) - (x < 0)


def crossing(f: Curve, g: Curve, lo: Number, hi: Number | None) -> Fraction | None:
    """The smallest x in [lo, hi] where f and g meet, exactly; None when they do not.

    They meet where f(x) = g(x), or at a break where f − g jumps across zero. Parallel lines
    never meet; identical ones meet at `lo`. `hi=None` searches without an upper bound.
    """
    low = exact(lo, what="lo")
    high = None if hi is None else exact(hi, what="hi")
    if high is not None and high < low:
        raise UsageError(f"the interval [{low}, {high}] is empty")
    d = difference(f, g)
    for j, line in enumerate(d.lines):
        start = d.breaks[j - 1] if j > 0 else None
        end = d.breaks[j] if j < len(d.breaks) else None
        if end is not None and end <= low:
            continue
        left = low if start is None or start < low else start
        if high is not None and left > high:
            break
        if start is not None and start > low:
            before, after = d.lines[j - 1](start), line(start)
            if _sign(before) * _sign(after) < 0:
                return start
        if line.slope == 0:
            if line.intercept == 0:
                return left
            continue
        root = -line.intercept / line.slope
        if root >= left and (end is None or root < end) and (high is None or root <= high):
            return root
    return None


def _context(
    mix: MixInput, as_of: dt.date | str, message: str | None, options: dict[str, Any]
) -> tuple[RuleContext, Scenario, Mix]:
    scn = scenario(as_of, message, **options)
    ctx = load_context(scn)
    base = as_mix(mix)
    check_mix(ctx, base)
    return ctx, scn, base


def _known(rate: PlanRate, mix: Mix) -> tuple[Fraction, Fraction]:
    """(fees, expected cost per message) of a plan in sen; unknown or unsendable is an error."""
    if not rate.sendable:
        raise NotApplicableError(f"{rate.plan} cannot send this message: {rate.reason}")
    per_message = rate.expected_per_message(mix)
    if per_message is None or rate.fixed_fees_sen is None:
        raise NotApplicableError(
            f"a price {rate.plan} needs is unknown on this date",
            hint="give it with prices={'NAME': 'JPY'}",
        )
    return Fraction(rate.fixed_fees_sen), per_message


def _rate(rates: dict[str, PlanRate], plan: str) -> PlanRate:
    if plan not in rates:
        raise UsageError(f"unknown plan {plan!r}", hint=f"choose from {', '.join(rates)}")
    return rates[plan]


def total_lines(
    plans: Sequence[str],
    mix: MixInput,
    *,
    as_of: dt.date | str,
    message: str | None = None,
    **options: Any,
) -> dict[str, Affine]:
    """Each plan's expected total in JPY as a line in the volume: fees + volume × cost per message."""
    ctx, scn, base = _context(mix, as_of, message, options)
    rates = plan_rates(ctx, scn)
    lines = {}
    for plan in plans:
        fees, per_message = _known(_rate(rates, plan), base)
        lines[plan] = Affine(fees / 100, per_message / 100)
    return lines


@dataclass(frozen=True)
class VolumeBreakEven:
    """Where a plan's cost per message, sender-ID fees included, falls to a budget."""

    plan: str
    budget_jpy: Fraction
    """JPY per message, excl. tax."""
    messages_exact: Fraction
    """Messages per period where fees / volume + cost per message = budget."""
    messages: int
    """The smallest whole number of messages whose cost per message is at most the budget."""
    cost_per_message_jpy: Fraction
    """Message charges per message for the mix (excl. fees), the floor the curve approaches."""
    fixed_fees_jpy: Fraction
    """Sender-ID fees per period."""


def volume_where_cost_per_message_reaches(
    budget_jpy: Number,
    plan: str,
    mix: MixInput,
    *,
    as_of: dt.date | str,
    message: str | None = None,
    **options: Any,
) -> VolumeBreakEven | None:
    """The monthly volume at which `plan`'s cost per message, fees included, falls to a budget.

    Solves fees + volume · c = volume · budget on volume ≥ 0; None when the budget is below the
    plan's cost per message c (or equal to it while fees are charged), which no volume reaches.
    `options` are Scenario fields (assume, prices, sender_ids, period_days, porting_share, ...).
    """
    budget = exact(budget_jpy, what="budget")
    line = total_lines([plan], mix, as_of=as_of, message=message, **options)[plan]
    at = crossing(line, Affine(Fraction(0), budget), 0, None)
    if at is None:
        return None
    return VolumeBreakEven(
        plan=plan,
        budget_jpy=budget,
        messages_exact=at,
        messages=max(1, math.ceil(at)),
        cost_per_message_jpy=line.slope,
        fixed_fees_jpy=line.intercept,
    )


def volume_where_plans_cost_the_same(
    plan: str,
    other: str,
    mix: MixInput,
    *,
    as_of: dt.date | str,
    message: str | None = None,
    **options: Any,
) -> Fraction | None:
    """Messages per period at which two plans' expected totals (fees included) are equal.

    None when the lines are parallel or meet at a negative volume (one plan is always dearer);
    0 when equal fees make them meet before the first message.
    """
    lines = total_lines([plan, other], mix, as_of=as_of, message=message, **options)
    return crossing(lines[plan], lines[other], 0, None)


def cost_gap_line(
    carrier: str,
    volume: int,
    mix: MixInput,
    *,
    plan: str | None = None,
    baseline: str | None = None,
    as_of: dt.date | str,
    message: str | None = None,
    **options: Any,
) -> Affine:
    """plan's expected total minus baseline's, in JPY, as a line in the share of `carrier`.

    By default `plan` and `baseline` are the larger and smaller plan of the first invariant in
    plans.yaml `subsets` (full K-Premium and Lite)."""
    if isinstance(volume, bool) or not isinstance(volume, int) or volume < 0:
        raise UsageError(f"volume {volume!r} is not a whole number of messages")
    ctx, scn, base = _context(mix, as_of, message, options)
    if plan is None or baseline is None:
        pair = ctx.ruleset.subsets[0]
        plan, baseline = plan or pair.larger, baseline or pair.smaller
    rates = plan_rates(ctx, scn)
    ends = []
    for share in (0, 1):
        shifted = base.with_carrier_share(carrier, share)
        check_mix(ctx, shifted)
        fees_a, a = _known(_rate(rates, plan), shifted)
        fees_b, b = _known(_rate(rates, baseline), shifted)
        ends.append((share, (fees_a - fees_b + volume * (a - b)) / 100))
    return Affine.through(ends[0], ends[1])


def carrier_share_where_full_exceeds_lite_by(
    amount_jpy: Number,
    *,
    carrier: str,
    volume: int,
    mix: MixInput,
    as_of: dt.date | str,
    message: str | None = None,
    plan: str | None = None,
    baseline: str | None = None,
    **options: Any,
) -> Fraction | None:
    """The share of `carrier`'s recipients in [0, 1] at which `plan` costs `amount_jpy` more.

    Totals are for `volume` messages in the period, fees included; the other carriers keep their
    relative shares (Mix.with_carrier_share). None when no share in [0, 1] gives that gap.
    """
    gap = cost_gap_line(
        carrier,
        volume,
        mix,
        plan=plan,
        baseline=baseline,
        as_of=as_of,
        message=message,
        **options,
    )
    amount = exact(amount_jpy, what="amount")
    return crossing(gap, Affine(amount, Fraction(0)), 0, 1)
