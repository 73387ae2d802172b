"""Consumption tax on top of tax-excluded totals, rounded once to whole yen (as an assumption says)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING

from simulator.errors import RulesError, UsageError
from simulator.rules.prices import PRICES_FILE, TAX_ROUNDINGS

if TYPE_CHECKING:
    from simulator.pricing.resolve import ResolvedPrices


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
