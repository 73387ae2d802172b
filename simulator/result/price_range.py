"""A plan's range: the portability interval widened by every price that is not exact.

Each price with a band (rules/prices.yaml `price_ranges`, chosen by an assumption) moves the
total by (band end − amount) × what it charges: the parts of its charge class among the priced
rows, or the started periods × sender IDs of a fee. The ends are added to the portability
interval's ends, which is conservative (the widths add up; no correlation is claimed). The
inputs are the per-carrier aggregates both pricing paths (grouped and per-row) share.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal

import polars as pl

from simulator.i18n import t
from simulator.pricing.money import fmt_jpy, sen_to_jpy
from simulator.pricing.resolve import ResolvedPrice, ResolvedPrices
from simulator.result.forecast import FeeLine, RangeDriver


@dataclass(frozen=True)
class PlanRange:
    """A plan's range in sen and the drivers behind it."""

    low_sen: int
    high_sen: int
    drivers: list[RangeDriver]


def _jpy(sen: int) -> Decimal:
    amount = sen_to_jpy(sen)
    assert amount is not None
    return amount


def _driver(
    code: str,
    low_sen: int,
    high_sen: int,
    price: str | None = None,
    assumption: str | None = None,
    **fields: object,
) -> RangeDriver:
    shown = {k: str(v) for k, v in fields.items()}
    shown |= {"low_change": fmt_jpy(_jpy(low_sen)), "high_change": fmt_jpy(_jpy(high_sen))}
    if price is not None:
        shown["price"] = price
    if assumption is not None:
        shown["assumption"] = assumption
    return RangeDriver(
        code=code,
        price=price,
        assumption=assumption,
        low_jpy=_jpy(low_sen),
        high_jpy=_jpy(high_sen),
        fields=shown,
        text=t(f"range_driver.{code}", lang="en", **shown),
    )


def _price_driver(price: ResolvedPrice, units: int) -> RangeDriver | None:
    """How far the band of `price` moves a total that charges it `units` times."""
    band = price.band_sen
    if band is None or price.unit_sen is None or price.band_assumption is None or not units:
        return None
    low, high = band
    if low == high == price.unit_sen:
        return None
    name, value = price.band_assumption
    return _driver(
        price.basis,
        (low - price.unit_sen) * units,
        (high - price.unit_sen) * units,
        price=price.name,
        assumption=f"{name}={value}",
        amount=fmt_jpy(_jpy(price.unit_sen)),
        low=fmt_jpy(_jpy(low)),
        high=fmt_jpy(_jpy(high)),
        units=f"{units:,}",
        low_drop=fmt_jpy(_jpy((price.unit_sen - low) * units)),
    )


def parts_by_charge_class(priced: pl.DataFrame) -> dict[str, int]:
    """Message parts charged per charge class among a plan's priced per-carrier rows."""
    grouped = priced.group_by("charge_class").agg(pl.col("parts").sum()).drop_nulls()
    return {str(c): int(n) for c, n in grouped.sort("charge_class").iter_rows()}


def plan_range(
    *,
    cost_sen: int,
    fee_sen: int,
    interval_sen: tuple[int, int] | None,
    parts: Mapping[str, int],
    fee_lines: Iterable[FeeLine],
    prices: ResolvedPrices,
) -> PlanRange:
    """The total's range: [min(interval low, cost), max(interval high, cost)] + fees, each end
    moved by every banded price's drivers. Drivers: portability first, then by code and price."""
    low, high = interval_sen if interval_sen is not None else (cost_sen, cost_sen)
    low, high = min(low, cost_sen), max(high, cost_sen)
    drivers: list[RangeDriver] = []
    if (low, high) != (cost_sen, cost_sen):
        drivers.append(
            _driver(
                "portability",
                low - cost_sen,
                high - cost_sen,
                interval_low=fmt_jpy(_jpy(low)),
                interval_high=fmt_jpy(_jpy(high)),
            )
        )
    charged = dict(parts)
    for line in fee_lines:
        charged[line.name] = charged.get(line.name, 0) + line.periods * line.sender_ids
    for name in sorted(charged):
        if name in prices:
            found = _price_driver(prices[name], charged[name])
            if found is not None:
                drivers.append(found)
    drivers.sort(key=lambda d: (d.code != "portability", d.code, d.price or ""))
    low_sen = low + fee_sen + sum(int(d.low_jpy * 100) for d in drivers if d.code != "portability")
    high_sen = high + fee_sen
    high_sen += sum(int(d.high_jpy * 100) for d in drivers if d.code != "portability")
    return PlanRange(low_sen=low_sen, high_sen=high_sen, drivers=drivers)
