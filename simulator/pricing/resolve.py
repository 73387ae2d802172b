"""The prices in force on a date: shipped book, then a user book, then --price NAME=VALUE."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal

import polars as pl

from simulator.errors import InputError, NotApplicableError, UsageError
from simulator.pricing.book import PriceBand, PriceBook, PriceItem, PriceRange, TaxRate
from simulator.pricing.tax import tax_incl_sen as tax_incl_sen
from simulator.rules.dating import in_force
from simulator.rules.prices import MAX_AMOUNT_JPY

AMOUNT_PATTERN = re.compile(r"\d+(\.\d{1,2})?")

UNIT_PRICE_SCHEMA: dict[str, pl.DataType] = {
    "charge_class": pl.Utf8(),
    "unit_sen": pl.Int64(),
    "price_basis": pl.Utf8(),
}
PER_PART = "message_part"


@dataclass(frozen=True)
class ResolvedPrice:
    """One price on one date: amount in sen (None when unknown), how sure, and why."""

    name: str
    charged_per: str
    unit_sen: int | None
    basis: str
    sources: list[str] = field(default_factory=list)
    note: str | None = None
    effective_from: dt.date | None = None
    low_sen: int | None = None
    """The low end of the amount's band (price_ranges of prices.yaml); None: the amount."""
    high_sen: int | None = None
    """The high end of the amount's band; None: the amount."""
    band_assumption: tuple[str, str] | None = None
    """The assumption (name, value) that chose the band, when the basis has one."""

    @property
    def amount_jpy(self) -> Decimal | None:
        return None if self.unit_sen is None else Decimal(self.unit_sen) / 100

    @property
    def band_sen(self) -> tuple[int, int] | None:
        """(low, high) of the amount in sen; None when the amount is unknown."""
        if self.unit_sen is None:
            return None
        low = self.unit_sen if self.low_sen is None else self.low_sen
        high = self.unit_sen if self.high_sen is None else self.high_sen
        return low, high


@dataclass(frozen=True)
class ResolvedPrices:
    """Every price and the consumption-tax rate in force on `on`."""

    on: dt.date
    prices: dict[str, ResolvedPrice]
    tax_rate_percent: int
    tax_basis: str
    tax_sources: list[str] = field(default_factory=list)
    tax_note: str | None = None
    tax_rounding_assumption: str | None = None
    """The assumption that chooses the tax rounding (`tax_rounding_assumption` of prices.yaml)."""

    def __getitem__(self, name: str) -> ResolvedPrice:
        return self.prices[name]

    def __contains__(self, name: object) -> bool:
        return name in self.prices

    def names(self) -> list[str]:
        return list(self.prices)

    def unit_sen(self, name: str) -> int | None:
        """Amount of price `name` in sen (None when unknown)."""
        return self.prices[name].unit_sen

    def basis(self, name: str) -> str:
        """How sure price `name` is: exact, upper_bound, assumed_unchanged, unknown or user."""
        return self.prices[name].basis

    def unit_price_frame(self) -> pl.DataFrame:
        """Per-part prices by charge class (charge_class Utf8, unit_sen Int64 nullable, price_basis Utf8)."""
        rows = [
            {"charge_class": p.name, "unit_sen": p.unit_sen, "price_basis": p.basis}
            for p in self.prices.values()
            if p.charged_per == PER_PART
        ]
        return pl.DataFrame(rows, schema=UNIT_PRICE_SCHEMA)


def parse_amount_sen(value: str, *, what: str) -> int:
    """A decimal JPY amount with at most 2 decimals and not negative, in sen."""
    text = value.strip()
    if not AMOUNT_PATTERN.fullmatch(text):
        raise UsageError(
            f"{what}: {value!r} is not an amount in JPY",
            hint="use a number >= 0 with at most 2 decimals, e.g. 11 or 10.50",
        )
    if Decimal(text) > MAX_AMOUNT_JPY:
        raise UsageError(
            f"{what}: {value!r} is more than the {MAX_AMOUNT_JPY:,} JPY a price may be",
            hint="a price book allows the same maximum",
            code="amount_too_large",
        )
    return int(Decimal(text) * 100)


def _resolve_item(item: PriceItem, on: dt.date, book: PriceBook) -> ResolvedPrice | None:
    period = in_force(item.periods, on)
    if period is None:
        return None
    return ResolvedPrice(
        name=item.name,
        charged_per=item.charged_per or PER_PART,
        unit_sen=period.unit_sen,
        basis="user" if book.origin == "user" else (period.basis or "exact"),
        sources=list(period.sources),
        note=period.note if book.origin == "rules" else f"from price book {book.path}",
        effective_from=period.effective_from,
    )


def _before_first(item: PriceItem) -> ResolvedPrice:
    first = item.periods[0].effective_from
    return ResolvedPrice(
        name=item.name,
        charged_per=item.charged_per or PER_PART,
        unit_sen=None,
        basis="unknown",
        note=f"no price before {first.isoformat()}",
    )


def _apply_user_book(
    prices: dict[str, ResolvedPrice], user_book: PriceBook, on: dt.date
) -> dict[str, ResolvedPrice]:
    out = dict(prices)
    for name, item in user_book.items.items():
        known = prices.get(name)
        if known is None:
            raise InputError(
                f"unknown price {name!r}",
                file=user_book.path,
                line=user_book.line_of(name),
                hint=f"price names are {', '.join(prices)}",
            )
        if item.charged_per is not None and item.charged_per != known.charged_per:
            raise InputError(
                f"price {name} is charged per {known.charged_per}, not {item.charged_per}",
                file=user_book.path,
                line=user_book.line_of(name),
            )
        resolved = _resolve_item(item, on, user_book)
        if resolved is not None:
            out[name] = ResolvedPrice(
                name=name,
                charged_per=known.charged_per,
                unit_sen=resolved.unit_sen,
                basis="user",
                note=resolved.note,
                effective_from=resolved.effective_from,
            )
    return out


def _apply_overrides(
    prices: dict[str, ResolvedPrice], overrides: Mapping[str, str]
) -> dict[str, ResolvedPrice]:
    out = dict(prices)
    for name, value in overrides.items():
        known = prices.get(name)
        if known is None:
            raise UsageError(
                f"--price {name}={value}: unknown price name {name!r}",
                hint=f"choose from {', '.join(prices)}",
            )
        out[name] = ResolvedPrice(
            name=name,
            charged_per=known.charged_per,
            unit_sen=parse_amount_sen(value, what=f"--price {name}"),
            basis="user",
            note="from --price",
        )
    return out


def _tax_rate(rates: list[TaxRate], on: dt.date, user: bool) -> TaxRate:
    rate = in_force(rates, on)
    if rate is None:
        first = min(r.effective_from for r in rates)
        raise NotApplicableError(
            f"no consumption-tax rate on {on.isoformat()}",
            hint=f"the price book's first rate starts {first.isoformat()}",
        )
    return rate.model_copy(update={"basis": "user"}) if user else rate


def _with_band(
    price: ResolvedPrice,
    band: PriceBand,
    choice: tuple[str, str],
    prices: Mapping[str, ResolvedPrice],
) -> ResolvedPrice:
    """`price` with the low and high ends `band` gives (a low end never above the amount)."""
    if price.unit_sen is None:
        return price
    if band.low_item is not None:
        other = prices[band.low_item].unit_sen
        low = price.unit_sen if other is None else min(other, price.unit_sen)
    else:
        assert band.low_factor is not None
        low = int((band.low_factor * price.unit_sen).to_integral_value(rounding=ROUND_FLOOR))
    high = int((band.high_factor * price.unit_sen).to_integral_value(rounding=ROUND_CEILING))
    return replace(price, low_sen=low, high_sen=high, band_assumption=choice)


def with_bands(
    prices: Mapping[str, ResolvedPrice], ranges: list[PriceRange], settings: Mapping[str, str]
) -> dict[str, ResolvedPrice]:
    """Every price with the band its basis and the chosen assumption value give; prices of
    another basis (exact, user, unknown) keep no band."""
    by_basis: dict[str, PriceRange] = {r.basis: r for r in ranges}
    out = dict(prices)
    for name, price in prices.items():
        found = by_basis.get(price.basis)
        value = settings.get(found.assumption) if found is not None else None
        if found is None or value is None or value not in found.values:
            continue
        out[name] = _with_band(price, found.values[value], (found.assumption, value), prices)
    return out


def resolve_prices(
    book: PriceBook,
    on: dt.date,
    *,
    overrides: Mapping[str, str] | None = None,
    user_book: PriceBook | None = None,
    settings: Mapping[str, str] | None = None,
) -> ResolvedPrices:
    """Prices and tax rate on `on`; a user book and then --price overrides take precedence.

    A user book's item replaces the shipped one from its own first period on; before that the
    shipped price stands. A user book with tax rates replaces the shipped rates. With
    `settings`, each price that is not exact carries the band of the shipped book's
    `price_ranges` for the assumption value chosen.
    """
    prices = {
        name: _resolve_item(item, on, book) or _before_first(item)
        for name, item in book.items.items()
    }
    if user_book is not None:
        prices = _apply_user_book(prices, user_book, on)
    prices = _apply_overrides(prices, overrides or {})
    prices = with_bands(prices, book.data.price_ranges, settings or {})
    user_rates = user_book is not None and bool(user_book.tax_rates)
    rates = user_book.tax_rates if user_book is not None and user_rates else book.tax_rates
    if not rates:
        raise NotApplicableError(
            "the price book has no consumption-tax rates", hint="add tax_rates to the price book"
        )
    rate = _tax_rate(rates, on, user=user_rates or book.origin == "user")
    return ResolvedPrices(
        on=on,
        prices=prices,
        tax_rate_percent=rate.percent,
        tax_basis=rate.basis or "user",
        tax_sources=list(rate.sources),
        tax_note=rate.note,
        tax_rounding_assumption=book.data.tax_rounding_assumption,
    )
