"""Scenario sweeps: cost per plan over a grid of one or two inputs, for a recipient mix × volume.

A sweep prices a *mix* (shares of recipients per carrier, as looked up or as allocated) at a
volume with the engine's rates (`engine/rates.py`: the plan terms, costs per carrier and porting
expectation `forecast` prices with, from the same `engine/context.py` rule files), so a point costs what `forecast` reports for a list of that many recipients in that mix: the counts
per carrier are apportioned from the shares by largest remainder, making every point a real list.
Inputs a sweep can vary: `Volume`, `CarrierShare`, `PortingShare`, `UnitPrice`, `MessageLength`.
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
import operator
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, fields, replace
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any, ClassVar, Literal

import polars as pl

from simulator.analysis.run import ForecastRun
from simulator.engine.context import RuleContext
from simulator.engine.rates import expected_message_sen, message_costs, plan_terms
from simulator.engine.uncertainty import ALLOCATION, LOOKUP
from simulator.errors import UsageError
from simulator.message.render import fixed_text
from simulator.numbers import reasons
from simulator.pricing.fees import fixed_fee_sen

Number = Fraction | Decimal | int | float | str
"""An exact or decimal number; a float is read by its shortest decimal form (0.1 is 1/10)."""

SOURCES = (LOOKUP, ALLOCATION)
FILLER = {"ascii": "a", "japanese": "あ"}
"""One character repeated to make a message of a given length, per alphabet."""

RESULT_COLUMNS: dict[str, pl.DataType] = {
    "messages": pl.Int64(),
    "plan": pl.Utf8(),
    "sendable": pl.Boolean(),
    "parts_per_message": pl.Int64(),
    "cost_sen": pl.Int64(),
    "cost_jpy_excl_tax": pl.Float64(),
    "expected_cost_jpy_excl_tax": pl.Float64(),
    "fixed_fees_sen": pl.Int64(),
    "fixed_fees_jpy": pl.Float64(),
    "total_jpy_excl_tax": pl.Float64(),
    "expected_total_jpy_excl_tax": pl.Float64(),
    "cost_per_message_jpy": pl.Float64(),
}
"""Columns after the swept inputs. `cost_sen` is exact (carriers as given, like `forecast`'s
cost); the `expected_*` columns average over the porting matrix for allocation-sourced carriers
(they equal the exact ones for looked-up carriers); `cost_per_message_jpy` is the expected total,
sender-ID fees included, divided by `messages`. Every amount is JPY excluding tax."""


def exact(value: Number, *, what: str) -> Fraction:
    """`value` as an exact fraction; anything that is not a finite number is a UsageError."""
    try:
        if isinstance(value, float):
            return Fraction(repr(value))
        return Fraction(value)
    except (ValueError, TypeError, ZeroDivisionError, OverflowError):
        raise UsageError(f"{what}: {value!r} is not a finite number") from None


@dataclass(frozen=True)
class MixEntry:
    """A share of the recipients whose carrier is `carrier`, looked up or from allocation."""

    carrier_source: str
    carrier: str
    share: Fraction


def _normalised(entries: Sequence[MixEntry]) -> tuple[MixEntry, ...]:
    """Entries merged per (source, carrier), zeros dropped, shares scaled to sum to 1."""
    merged: dict[tuple[str, str], Fraction] = {}
    for e in entries:
        if e.carrier_source not in SOURCES:
            raise UsageError(
                f"mix: carrier source {e.carrier_source!r} is not {LOOKUP} or {ALLOCATION}"
            )
        if e.share < 0:
            raise UsageError(f"mix: the share of {e.carrier} is negative ({float(e.share)})")
        key = (e.carrier_source, e.carrier)
        merged[key] = merged.get(key, Fraction(0)) + e.share
    total = sum(merged.values(), Fraction(0))
    if total <= 0:
        raise UsageError("mix: every share is zero", hint="give at least one carrier a share")
    order = sorted(merged, key=lambda k: (SOURCES.index(k[0]), k[1]))
    return tuple(MixEntry(s, c, merged[(s, c)] / total) for s, c in order if merged[(s, c)] > 0)


@dataclass(frozen=True)
class Mix:
    """Shares of recipients per (carrier source, carrier), exact and summing to 1."""

    entries: tuple[MixEntry, ...]

    def __post_init__(self) -> None:
        object.__setattr__(self, "entries", _normalised(self.entries))

    @classmethod
    def of(cls, shares: Mapping[str, Number], *, carrier_source: str = LOOKUP) -> Mix:
        """Shares (or counts) per carrier id, all from one source; they are scaled to sum to 1."""
        return cls(
            tuple(
                MixEntry(carrier_source, carrier, exact(v, what=f"mix share of {carrier}"))
                for carrier, v in shares.items()
            )
        )

    @classmethod
    def from_checked(cls, checked: pl.DataFrame | pl.LazyFrame) -> Mix:
        """The mix of the sendable rows of a checked list (`ForecastRun.checked`)."""
        counts = (
            checked.lazy()
            .filter(pl.col("status") == reasons.OK)
            .group_by("carrier_source", "carrier")
            .agg(n=pl.len())
            .collect()
        )
        if counts.height == 0:
            raise UsageError("the list has no sendable recipients to take a mix from")
        if counts["carrier"].null_count():
            raise UsageError("the list has sendable recipients without a carrier")
        return cls(
            tuple(
                MixEntry(source, carrier, Fraction(n))
                for source, carrier, n in counts.select("carrier_source", "carrier", "n").rows()
            )
        )

    @classmethod
    def from_forecast(cls, result: ForecastRun) -> Mix:
        """The mix of the recipients a forecast priced."""
        return cls.from_checked(result.checked)

    def carrier_shares(self) -> dict[str, Fraction]:
        """Share per carrier, whatever the source."""
        out: dict[str, Fraction] = {}
        for e in self.entries:
            out[e.carrier] = out.get(e.carrier, Fraction(0)) + e.share
        return out

    def with_carrier_share(self, carrier: str, share: Number) -> Mix:
        """This mix with `carrier` at `share`; the other carriers keep their relative shares.

        A carrier absent from the mix joins with the source most of the mix has.
        """
        target = exact(share, what=f"share of {carrier}")
        if not 0 <= target <= 1:
            raise UsageError(f"share of {carrier} {float(target)} is outside [0, 1]")
        current = self.carrier_shares().get(carrier, Fraction(0))
        if current == 1 and target < 1:
            raise UsageError(
                f"the mix holds only {carrier} recipients; give other carriers a share to scale"
            )
        entries = list(self.entries)
        if current == 0:
            by_source = {
                s: sum((e.share for e in entries if e.carrier_source == s), Fraction(0))
                for s in SOURCES
            }
            source = max(SOURCES, key=lambda s: (by_source[s], -SOURCES.index(s)))
            entries.append(MixEntry(source, carrier, Fraction(1)))
            current = Fraction(1)
            rest = Fraction(1)
        else:
            rest = 1 - current
        scaled = [
            replace(e, share=e.share * target / current)
            if e.carrier == carrier
            else replace(e, share=e.share * (1 - target) / rest)
            for e in entries
        ]
        return Mix(tuple(scaled))

    def counts(self, volume: int) -> tuple[int, ...]:
        """Recipients per entry for `volume` in all, by largest remainder (ties: entry order)."""
        raw = [e.share * volume for e in self.entries]
        counts = [math.floor(r) for r in raw]
        left = volume - sum(counts)
        order = sorted(range(len(raw)), key=lambda i: (counts[i] - raw[i], i))
        for i in order[:left]:
            counts[i] += 1
        return tuple(counts)

    def frame(self) -> pl.DataFrame:
        """carrier_source, carrier, share (Float64) for display."""
        return pl.DataFrame(
            [(e.carrier_source, e.carrier, float(e.share)) for e in self.entries],
            schema={"carrier_source": pl.Utf8(), "carrier": pl.Utf8(), "share": pl.Float64()},
            orient="row",
        )


MixInput = Mix | Mapping[str, Number] | ForecastRun


def as_mix(value: MixInput) -> Mix:
    """A Mix from a Mix, a ForecastRun, or shares per carrier (taken as looked up)."""
    if isinstance(value, Mix):
        return value
    if isinstance(value, ForecastRun):
        return Mix.from_forecast(value)
    return Mix.of(value)


@dataclass(frozen=True)
class Scenario:
    """What a point is priced with besides the mix and volume; fields as in ForecastOptions."""

    as_of: dt.date
    message: str | None = None
    plans: Sequence[str] | None = None
    assume: Mapping[str, str] = field(default_factory=dict)
    prices: Mapping[str, str] = field(default_factory=dict)
    sender_ids: int = 1
    period_days: int = 30
    porting_share: float | None = None
    rules_dir: Path | None = None
    price_book: Path | None = None


def scenario(as_of: dt.date | str, message: str | None = None, **options: Any) -> Scenario:
    """A Scenario from keyword options; an unknown option is a UsageError."""
    known = {f.name for f in fields(Scenario)} - {"as_of", "message"}
    unknown = sorted(set(options) - known)
    if unknown:
        raise UsageError(
            f"unknown option {', '.join(unknown)}", hint=f"choose from {', '.join(sorted(known))}"
        )
    if isinstance(as_of, str):
        try:
            as_of = dt.date.fromisoformat(as_of)
        except ValueError:
            raise UsageError(f"as_of {as_of!r} is not a date", hint="use YYYY-MM-DD") from None
    scn = Scenario(as_of=as_of, message=message, **options)
    if scn.sender_ids < 0:
        raise UsageError("sender_ids must be 0 or more")
    if scn.period_days <= 0:
        raise UsageError("period_days must be at least 1")
    return scn


def load_context(scn: Scenario) -> RuleContext:
    """The engine's rule files for a sweep: everything that does not vary between points."""
    return RuleContext.load(
        scn.as_of,
        rules_dir=scn.rules_dir,
        assume=scn.assume,
        plans=scn.plans,
        price_book=scn.price_book,
    )


def check_mix(ctx: RuleContext, mix: Mix) -> None:
    """Every carrier of the mix is one the rules know."""
    for e in mix.entries:
        if e.carrier not in ctx.ruleset.carriers:
            raise UsageError(
                f"mix: unknown carrier {e.carrier!r}",
                hint=f"choose from {', '.join(ctx.ruleset.carriers)}",
            )


@dataclass(frozen=True)
class PlanRate:
    """One plan under a scenario, from the engine's rates: parts per message, fees, and what one
    message costs (in sen) to a mix entry."""

    plan: str
    sendable: bool
    reason: str | None
    parts: int | None
    fixed_fees_sen: int | None
    message_sen: Mapping[str, int | None]
    """Serving carrier → parts × unit price (None when the price is unknown)."""
    expected_sen: Mapping[str, Fraction | None]
    """Allocating carrier → Σ P(serving | allocating) × message_sen[serving]."""

    def point_of(self, entry: MixEntry) -> int | None:
        """One message to `entry`'s recipients, carrier as given."""
        return self.message_sen.get(entry.carrier) if self.sendable else None

    def expected_of(self, entry: MixEntry) -> Fraction | None:
        """One message to `entry`'s recipients, averaged over porting for allocated carriers."""
        if not self.sendable:
            return None
        if entry.carrier_source == LOOKUP:
            point = self.message_sen.get(entry.carrier)
            return None if point is None else Fraction(point)
        return self.expected_sen.get(entry.carrier)

    def expected_per_message(self, mix: Mix) -> Fraction | None:
        """Expected message charges per message for `mix` (sen, exact; fees excluded)."""
        total = Fraction(0)
        for e in mix.entries:
            cost = self.expected_of(e)
            if cost is None:
                return None
            total += e.share * cost
        return total


def message_text(message: str | None) -> str:
    """The text one message carries; placeholders vary per recipient, so a sweep refuses them."""
    if not message:
        raise UsageError(
            "the message is empty",
            hint="give message=TEXT or a MessageLength axis",
            code="empty_message",
        )
    text = fixed_text(message)
    if text is None:
        raise UsageError(
            "a sweep prices one fixed message, not a template",
            hint="fill the {placeholders} with a typical value",
        )
    return text


def plan_rates(ctx: RuleContext, scn: Scenario) -> dict[str, PlanRate]:
    """Per plan: what one message costs per carrier on `scn.as_of` under `scn`'s inputs, from
    the engine's rates (`engine/rates.py`) plus the plan's sender-ID fees."""
    text = message_text(scn.message)
    prices = ctx.prices(scn.prices)
    matrix = (
        ctx.porting
        if scn.porting_share is None
        else ctx.porting.with_porting_share(scn.porting_share)
    )
    terms = plan_terms(ctx, text)
    costs = message_costs(terms, ctx.rules_in_force, prices.unit_price_frame())
    expected = expected_message_sen(costs, matrix)
    message_sen: dict[str, dict[str, int | None]] = {}
    for plan, carrier, cost in costs.iter_rows():
        message_sen.setdefault(plan, {})[carrier] = cost
    out: dict[str, PlanRate] = {}
    for plan, t in terms.items():
        if not t.sendable:
            out[plan] = PlanRate(plan, False, t.reason, t.parts, None, {}, {})
            continue
        fees, _ = fixed_fee_sen(
            ctx.ruleset, plan, prices, sender_ids=scn.sender_ids, period_days=scn.period_days
        )
        out[plan] = PlanRate(
            plan, True, None, t.parts, fees, message_sen.get(plan, {}), expected.get(plan, {})
        )
    return out


@dataclass(frozen=True)
class Volume:
    """Messages in the period, one per recipient (column `messages`)."""

    values: Sequence[int]
    column: ClassVar[str] = "messages"
    dtype: ClassVar[pl.DataType] = pl.Int64()


@dataclass(frozen=True)
class CarrierShare:
    """Share of one carrier's recipients, the others scaled alike (column `<carrier>_share`)."""

    carrier: str
    values: Sequence[Number]
    dtype: ClassVar[pl.DataType] = pl.Float64()

    @property
    def column(self) -> str:
        return f"{self.carrier}_share"


@dataclass(frozen=True)
class PortingShare:
    """Overall share of allocated numbers served by another network (column `porting_share`)."""

    values: Sequence[float]
    column: ClassVar[str] = "porting_share"
    dtype: ClassVar[pl.DataType] = pl.Float64()


@dataclass(frozen=True)
class UnitPrice:
    """A per-part price-book item in JPY, at most 2 decimals (column `<item>_jpy_per_part`)."""

    item: str
    values: Sequence[Number]
    dtype: ClassVar[pl.DataType] = pl.Float64()

    @property
    def column(self) -> str:
        return f"{self.item}_jpy_per_part"


@dataclass(frozen=True)
class MessageLength:
    """Message length in characters of one alphabet, ascii or japanese (column `message_chars`)."""

    values: Sequence[int]
    alphabet: Literal["ascii", "japanese"] = "ascii"
    column: ClassVar[str] = "message_chars"
    dtype: ClassVar[pl.DataType] = pl.Int64()


Axis = Volume | CarrierShare | PortingShare | UnitPrice | MessageLength


@dataclass(frozen=True)
class _Point:
    """One grid point: what it shows in the frame, and the mix, volume and scenario it prices."""

    shown: dict[str, Any]
    volume: int
    mix: Mix
    scn: Scenario


def _price_text(value: Number, item: str) -> tuple[str, float]:
    """An amount for `--price` (at most 2 decimals, not negative) and its float for plotting."""
    amount = exact(value, what=f"price {item}")
    sen = amount * 100
    if sen < 0 or sen.denominator != 1:
        raise UsageError(f"price {item}: {float(amount)} is not JPY >= 0 with at most 2 decimals")
    whole, cents = divmod(int(sen), 100)
    return f"{whole}.{cents:02d}", float(amount)


def _whole(value: Any, what: str) -> int:
    """A whole number >= 1 (Python or numpy integer); anything else is a UsageError."""
    try:
        number = operator.index(value)
    except TypeError:
        number = 0
    if isinstance(value, bool) or number < 1:
        raise UsageError(f"{what} {value!r} is not a whole number >= 1")
    return number


def _volume(value: Any) -> int:
    return _whole(value, "volume (messages)")


def _apply(axis: Axis, value: Any, point: _Point) -> _Point:
    """The point with one axis set to `value`."""
    shown = dict(point.shown)
    if isinstance(axis, Volume):
        shown[axis.column] = _volume(value)
        return replace(point, shown=shown, volume=_volume(value))
    if isinstance(axis, CarrierShare):
        mix = point.mix.with_carrier_share(axis.carrier, value)
        shown[axis.column] = float(exact(value, what=f"share of {axis.carrier}"))
        return replace(point, shown=shown, mix=mix)
    if isinstance(axis, PortingShare):
        shown[axis.column] = float(value)
        return replace(point, shown=shown, scn=replace(point.scn, porting_share=float(value)))
    if isinstance(axis, UnitPrice):
        text, amount = _price_text(value, axis.item)
        shown[axis.column] = amount
        prices = {**point.scn.prices, axis.item: text}
        return replace(point, shown=shown, scn=replace(point.scn, prices=prices))
    length = _whole(value, "message length (characters)")
    if axis.alphabet not in FILLER:
        raise UsageError(f"alphabet {axis.alphabet!r} is not one of {', '.join(FILLER)}")
    shown[axis.column] = length
    scn = replace(point.scn, message=FILLER[axis.alphabet] * length)
    return replace(point, shown=shown, scn=scn)


def _check_axes(axes: Sequence[Axis]) -> None:
    if not 1 <= len(axes) <= 2:
        raise UsageError(f"a sweep varies one or two inputs, not {len(axes)}")
    columns = [a.column for a in axes]
    if len(set(columns)) != len(columns):
        raise UsageError(f"two axes vary the same input ({columns[0]})")
    if all(isinstance(a, CarrierShare) for a in axes) and len(axes) == 2:
        raise UsageError("vary one carrier share at a time (the others scale with it)")
    for a in axes:
        if len(a.values) == 0:
            raise UsageError(f"axis {a.column} has no values")


def _rate_key(scn: Scenario) -> tuple[Any, ...]:
    return (scn.message, tuple(sorted(scn.prices.items())), scn.porting_share)


def sweep(
    mix: MixInput,
    axes: Axis | Sequence[Axis],
    *,
    as_of: dt.date | str,
    message: str | None = None,
    volume: int | None = None,
    **options: Any,
) -> pl.DataFrame:
    """Cost per plan at every point of the grid of `axes` (one or two), as a tidy frame.

    Columns: the swept inputs, `messages`, then RESULT_COLUMNS. `volume` is the number of
    messages (recipients) when no Volume axis is given; a ForecastRun as `mix` supplies both its
    mix and its sendable-recipient count. `options` are Scenario fields (plans, assume, prices,
    sender_ids, period_days, porting_share, rules_dir, price_book).
    """
    axis_list = [axes] if not isinstance(axes, Sequence) else list(axes)
    _check_axes(axis_list)
    base_mix = as_mix(mix)
    if volume is None and isinstance(mix, ForecastRun):
        volume = mix.check.ok
    if volume is None and not any(isinstance(a, Volume) for a in axis_list):
        raise UsageError("give volume=MESSAGES or a Volume axis")
    base = scenario(as_of, message, **options)
    ctx = load_context(base)
    start = _Point(
        shown={}, volume=_volume(volume) if volume is not None else 1, mix=base_mix, scn=base
    )
    points: list[_Point] = []
    for combo in itertools.product(*(a.values for a in axis_list)):
        point = start
        for axis, value in zip(axis_list, combo, strict=True):
            point = _apply(axis, value, point)
        points.append(point)
    return _price_points(ctx, axis_list, points)


def _price_points(ctx: RuleContext, axes: Sequence[Axis], points: Sequence[_Point]) -> pl.DataFrame:
    """Join counts per point with rates per distinct scenario and sum per point × plan."""
    keys: dict[tuple[Any, ...], int] = {}
    rates: dict[int, dict[str, PlanRate]] = {}
    point_rows: list[dict[str, Any]] = []
    count_rows: list[tuple[int, str, str, int]] = []
    entries: dict[tuple[str, str], MixEntry] = {}
    for i, point in enumerate(points):
        check_mix(ctx, point.mix)
        key = _rate_key(point.scn)
        if key not in keys:
            keys[key] = len(keys)
            rates[keys[key]] = plan_rates(ctx, point.scn)
        point_rows.append({"point": i, "rate_key": keys[key], "messages": point.volume})
        for e, n in zip(point.mix.entries, point.mix.counts(point.volume), strict=True):
            entries[(e.carrier_source, e.carrier)] = e
            if n:
                count_rows.append((i, e.carrier_source, e.carrier, n))
    axis_frame = pl.DataFrame(
        [{"point": i, **p.shown} for i, p in enumerate(points)],
        schema={"point": pl.Int64(), **{a.column: a.dtype for a in axes}},
    )
    points_frame = pl.DataFrame(
        point_rows, schema={"point": pl.Int64(), "rate_key": pl.Int64(), "messages": pl.Int64()}
    )
    counts = pl.DataFrame(
        count_rows,
        schema={
            "point": pl.Int64(),
            "carrier_source": pl.Utf8(),
            "carrier": pl.Utf8(),
            "n": pl.Int64(),
        },
        orient="row",
    )
    entry_rates = pl.DataFrame(
        [
            (key, plan, source, carrier, r.point_of(e), _float(r.expected_of(e)))
            for key, by_plan in rates.items()
            for plan, r in by_plan.items()
            for (source, carrier), e in entries.items()
        ],
        schema={
            "rate_key": pl.Int64(),
            "plan": pl.Utf8(),
            "carrier_source": pl.Utf8(),
            "carrier": pl.Utf8(),
            "message_sen": pl.Int64(),
            "expected_message_sen": pl.Float64(),
        },
        orient="row",
    )
    plan_frame = pl.DataFrame(
        [
            (key, plan, order, r.sendable, r.parts, r.fixed_fees_sen)
            for key, by_plan in rates.items()
            for order, (plan, r) in enumerate(by_plan.items())
        ],
        schema={
            "rate_key": pl.Int64(),
            "plan": pl.Utf8(),
            "plan_order": pl.Int64(),
            "sendable": pl.Boolean(),
            "parts_per_message": pl.Int64(),
            "fixed_fees_sen": pl.Int64(),
        },
        orient="row",
    )
    return price_counts(counts, points_frame, entry_rates, plan_frame, axis_frame, axes)


def _float(value: Fraction | None) -> float | None:
    return None if value is None else float(value)


def _sum_or_null(amount: pl.Expr) -> pl.Expr:
    """Σ amount over a group, null when any term is null (an unknown price makes the sum unknown)."""
    return pl.when(amount.is_null().any()).then(None).otherwise(amount.sum())


def price_counts(
    counts: pl.DataFrame,
    points: pl.DataFrame,
    entry_rates: pl.DataFrame,
    plans: pl.DataFrame,
    axis_frame: pl.DataFrame,
    axes: Sequence[Axis],
) -> pl.DataFrame:
    """Recipients per point × entry ⋈ cost of one message per plan → costs per point × plan."""
    n = pl.col("n")
    per_plan = (
        counts.lazy()
        .join(points.lazy().select("point", "rate_key"), on="point")
        .join(entry_rates.lazy(), on=["rate_key", "carrier_source", "carrier"])
        .group_by("point", "plan")
        .agg(
            cost_sen=_sum_or_null(n * pl.col("message_sen")),
            expected_sen=_sum_or_null(n.cast(pl.Float64) * pl.col("expected_message_sen")),
        )
    )
    total = pl.col("cost_sen") + pl.col("fixed_fees_sen")
    expected_total = pl.col("expected_sen") + pl.col("fixed_fees_sen").cast(pl.Float64)
    swept = [a.column for a in axes]
    order = [*swept, *(c for c in RESULT_COLUMNS if c not in swept)]
    dtypes = {**RESULT_COLUMNS, **{a.column: a.dtype for a in axes}}
    return (
        points.lazy()
        .join(plans.lazy(), on="rate_key")
        .join(per_plan, on=["point", "plan"], how="left")
        .join(axis_frame.lazy().drop("messages", strict=False), on="point")
        .sort("point", "plan_order")
        .with_columns(
            cost_jpy_excl_tax=pl.col("cost_sen") / 100,
            expected_cost_jpy_excl_tax=pl.col("expected_sen") / 100,
            fixed_fees_jpy=pl.col("fixed_fees_sen") / 100,
            total_jpy_excl_tax=total / 100,
            expected_total_jpy_excl_tax=expected_total / 100,
            cost_per_message_jpy=expected_total / 100 / pl.col("messages"),
        )
        .select(*(pl.col(c).cast(dtypes[c]) for c in order))
        .collect()
    )
