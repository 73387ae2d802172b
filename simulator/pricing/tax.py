"""Consumption tax on top of tax-excluded totals, rounded once to whole yen (assumption tax_rounding)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING

from simulator.errors import UsageError

if TYPE_CHECKING:
    from simulator.pricing.resolve import ResolvedPrices

TAX_ROUNDING = "tax_rounding"
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
ROUNDING_MODES = tuple(_ROUNDERS)


def rounding_mode(settings: Mapping[str, str]) -> str:
    """The `tax_rounding` setting, checked against the modes kpsim implements."""
    mode = settings.get(TAX_ROUNDING)
    if mode not in _ROUNDERS:
        raise UsageError(
            f"assumption {TAX_ROUNDING} is {mode!r}",
            hint=f"choose from {', '.join(ROUNDING_MODES)}",
        )
    return mode


def tax_incl_sen(total_excl_sen: int, resolved: ResolvedPrices, settings: Mapping[str, str]) -> int:
    """Tax-included amount in sen (a whole number of yen) of a non-negative tax-excluded total."""
    if total_excl_sen < 0:
        raise ValueError(f"a total cannot be negative: {total_excl_sen}")
    scaled = total_excl_sen * (100 + resolved.tax_rate_percent)
    return _ROUNDERS[rounding_mode(settings)](scaled) * SEN_PER_YEN


def tax_warnings(settings: Mapping[str, str]) -> list[str]:
    """Warnings about tax settings kpsim cannot honour (it knows no credit purchase dates)."""
    choice = settings.get(TAX_RATE_DATE, SEND_DATE)
    if choice == SEND_DATE:
        return []
    return [
        f"{TAX_RATE_DATE}={choice} cannot be computed without credit purchase dates; "
        "the tax rate follows the sending day"
    ]
