"""Consumption tax on top of tax-excluded totals, rounded once to whole yen (as an assumption says)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING

import polars as pl

from simulator.errors import RulesError, UsageError
from simulator.rules.prices import PRICES_FILE, TAX_ROUNDINGS

if TYPE_CHECKING:
    from simulator.pricing.resolve import ResolvedPrices

TAX_RATE_DATE = "tax_rate_date"
SEND_DATE = "send_date"

SEN_PER_YEN = 100
SCALE = 100 * SEN_PER_YEN
"""total_sen * (100 + rate) is in 1/100 sen; SCALE of those make one yen."""

_ROUNDERS: dict[str, Callable[[int], int]] = {
    "floor": lambda scaled: scaled // SCALE,
    "ceil": lambda scaled: -(-scaled // SCALE),
    "half_up": lambda scaled: (scaled + SCALE // 2) // SCALE,
}
ROUNDING_MODES = TAX_ROUNDINGS


def rounding_mode(settings: Mapping[str, str], assumption: str | None) -> str:
    """The setting of the tax-rounding `assumption`, checked against the modes kpsim implements."""
    if assumption is None:
        raise RulesError(
            "the price book names no tax_rounding_assumption",
            file=PRICES_FILE,
            code="missing_key",
        )
    mode = settings.get(assumption)
    if mode is None or mode not in _ROUNDERS:
        raise UsageError(
            f"assumption {assumption} is {mode!r}",
            hint=f"choose from {', '.join(ROUNDING_MODES)}",
        )
    return mode


def tax_incl_sen(total_excl_sen: int, resolved: ResolvedPrices, settings: Mapping[str, str]) -> int:
    """Tax-included amount in sen (a whole number of yen) of a non-negative tax-excluded total."""
    if total_excl_sen < 0:
        raise ValueError(f"a total cannot be negative: {total_excl_sen}")
    scaled = total_excl_sen * (100 + resolved.tax_rate_percent)
    mode = rounding_mode(settings, resolved.tax_rounding_assumption)
    return _ROUNDERS[mode](scaled) * SEN_PER_YEN


def tax_incl_sen_expr(excl_sen: pl.Expr, tax_rate_percent: int, rounding: str) -> pl.Expr:
    """Per-row tax-included sen, for display only: invoices round the total once, not each row."""
    if rounding not in _ROUNDERS:
        raise UsageError(
            f"unknown tax rounding {rounding!r}", hint=f"choose from {', '.join(ROUNDING_MODES)}"
        )
    scaled = excl_sen.cast(pl.Int64) * (100 + tax_rate_percent)
    if rounding == "floor":
        yen = scaled // SCALE
    elif rounding == "ceil":
        yen = -((-scaled) // SCALE)
    else:
        yen = (scaled + SCALE // 2) // SCALE
    return (yen * SEN_PER_YEN).cast(pl.Int64)


def tax_warnings(settings: Mapping[str, str]) -> list[str]:
    """Warnings about tax settings kpsim cannot honour (it knows no credit purchase dates)."""
    choice = settings.get(TAX_RATE_DATE, SEND_DATE)
    if choice == SEND_DATE:
        return []
    return [
        f"{TAX_RATE_DATE}={choice} cannot be computed without credit purchase dates; "
        "the tax rate follows the sending day"
    ]
